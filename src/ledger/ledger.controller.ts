import { Readable } from 'node:stream';
import { Controller, Get, Header, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/access.decorators.js';
import {
  AnchoringResultDto,
  ConsistencyProofDto,
  ConsistencyQueryDto,
  DigestDto,
  EntryParamsDto,
  EntryQueryDto,
  EntryWithProofDto,
  ExportQueryDto,
  PublicKeyDto,
} from './dto/ledger.dto.js';
import { LedgerAnchoring } from './ledger-anchoring.js';
import { LedgerService } from './ledger.service.js';

@ApiTags('ledger')
@Controller('v1/ledger')
export class LedgerController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly anchoring: LedgerAnchoring,
  ) {}

  @Get('checkpoint')
  @Authenticated({ roles: ['auditor', 'admin'] })
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'The latest checkpoint: a C2SP tlog-checkpoint in a signed note' })
  @ApiOkResponse({ schema: { type: 'string' } })
  async checkpoint(): Promise<string> {
    return (await this.ledger.digest()).checkpoint;
  }

  @Get('digest')
  @Authenticated({ roles: ['auditor', 'admin'] })
  @ApiOperation({ summary: 'Tree size, root hash and signed checkpoint of the journal' })
  @ApiOkResponse({ type: DigestDto })
  digest(): Promise<DigestDto> {
    return this.ledger.digest();
  }

  @Get('entries/:seq')
  @Authenticated({ roles: ['auditor', 'admin'] })
  @ApiOperation({ summary: 'One journal entry with its RFC 9162 inclusion proof' })
  @ApiOkResponse({ type: EntryWithProofDto })
  entry(@Param() params: EntryParamsDto, @Query() query: EntryQueryDto): Promise<EntryWithProofDto> {
    return this.ledger.entryWithProof(params.seq, query.treeSize);
  }

  @Get('consistency')
  @Authenticated({ roles: ['auditor', 'admin'] })
  @ApiOperation({ summary: 'RFC 9162 consistency proof between two tree sizes' })
  @ApiOkResponse({ type: ConsistencyProofDto })
  consistency(@Query() query: ConsistencyQueryDto): Promise<ConsistencyProofDto> {
    return this.ledger.consistencyProof(query.from, query.to);
  }

  @Get('export')
  @Authenticated({ roles: ['auditor', 'admin'] })
  @ApiProduces('application/x-ndjson')
  @ApiOperation({ summary: 'Journal entries [from, to) as NDJSON, one entry per line (streamed)' })
  @ApiOkResponse({ schema: { type: 'string' } })
  export(@Query() query: ExportQueryDto): StreamableFile {
    return new StreamableFile(Readable.from(this.ledger.exportLines(query.from, query.to)), {
      type: 'application/x-ndjson; charset=utf-8',
    });
  }

  @Get('public-key')
  @Authenticated({ roles: ['auditor', 'admin'] })
  @ApiOperation({ summary: 'The checkpoint signing key, as a signed-note verifier key and as PEM' })
  @ApiOkResponse({ type: PublicKeyDto })
  publicKey(): PublicKeyDto {
    return this.ledger.publicKey();
  }

  @Post('anchor')
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({ summary: 'Sign and anchor the current checkpoint outside the database now' })
  @ApiOkResponse({ type: AnchoringResultDto })
  anchor(): Promise<AnchoringResultDto> {
    return this.anchoring.anchorOnDemand();
  }
}
