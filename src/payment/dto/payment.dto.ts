import { ApiProperty } from '@nestjs/swagger';

export class WebhookResultDto {
  @ApiProperty({ example: true }) received!: true;
  @ApiProperty({ description: 'This event id was handled before; nothing changed' }) duplicate!: boolean;
  @ApiProperty({
    example: 'issued',
    description: 'What the event did (issued, already_paid, refund, stale, ignored, ...)',
  })
  outcome!: string;
}
