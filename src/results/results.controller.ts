import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorators.js';
import { PageAssetParamsDto, PublicRaffleListDto } from './dto/results.dto.js';
import { ResultsService } from './results.service.js';

// The page and its files change only with a deployment; no-cache makes browsers revalidate, so a new
// verifier is never mixed with an old page.
const REVALIDATE = 'no-cache';

@ApiTags('results')
@Controller()
export class ResultsController {
  constructor(private readonly results: ResultsService) {}

  @Get()
  @Public()
  @ApiExcludeEndpoint()
  @Header('cache-control', REVALIDATE)
  page(): StreamableFile {
    return this.results.page();
  }

  @Get('results/:file')
  @Public()
  @ApiExcludeEndpoint()
  @Header('cache-control', REVALIDATE)
  asset(@Param() params: PageAssetParamsDto): StreamableFile {
    return this.results.asset(params.file);
  }

  @Get('results/verifier/:file')
  @Public()
  @ApiExcludeEndpoint()
  @Header('cache-control', REVALIDATE)
  verifierModule(@Param() params: PageAssetParamsDto): StreamableFile {
    return this.results.asset(`verifier/${params.file}`);
  }

  @Get('v1/results/raffles')
  @Public()
  @ApiOperation({
    summary:
      'Raffles open to the public (not drafts), with ticket counts and the 50/50 estimate while sales are open',
  })
  @ApiOkResponse({ type: PublicRaffleListDto })
  raffles(): Promise<PublicRaffleListDto> {
    return this.results.publicRaffles();
  }
}
