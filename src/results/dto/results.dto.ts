import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { PublicRaffleDto } from '../../ticket/dto/raffle-sales.dto.js';

/** A static asset of the results page: a plain file name, no path. */
export class PageAssetParamsDto {
  @ApiProperty({ example: 'results-page.js' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}\.(?:js|css)$/, { message: '$property must name an asset of the page' })
  file!: string;
}

export class PublicRaffleListDto {
  @ApiProperty({
    type: [PublicRaffleDto],
    description: 'Raffles that have opened (not drafts), most recent sales close first; at most 100',
  })
  raffles!: PublicRaffleDto[];

  @ApiProperty({ description: 'When the list was read' }) asOf!: string;
}
