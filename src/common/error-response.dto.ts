import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'packages[0].priceMinor', description: 'Path of the offending field' })
  field!: string;

  @ApiProperty({ type: [String], example: ['priceMinor must be a positive integer'] })
  messages!: string[];
}

/** The one shape of every 4xx and 5xx response. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code' })
  code!: string;

  @ApiProperty({ example: 'Request validation failed: name must be a string' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  fields?: FieldErrorDto[];

  @ApiPropertyOptional({
    description: 'Readiness failures only: the result of each dependency check',
    example: { database: { status: 'down', message: 'timeout' } },
  })
  details?: Record<string, unknown>;

  @ApiProperty({ example: '1b0f3c9e-5b1e-4d43-9b57-3d8c2f1f0a11' })
  requestId!: string;
}
