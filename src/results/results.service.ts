import { Injectable, StreamableFile } from '@nestjs/common';
import { DomainException } from '../common/domain.exception.js';
import { RaffleService } from '../raffle/raffle.service.js';
import type { RaffleStatus } from '../raffle/raffle-lifecycle.js';
import { TicketService } from '../ticket/ticket.service.js';
import type { PublicRaffleListDto } from './dto/results.dto.js';
import { loadPageAssets, type PageAsset } from './results-assets.js';

/** Raffles the public may see: every state after the draft. */
const PUBLIC_STATUSES: readonly RaffleStatus[] = ['OPEN', 'CLOSED', 'DRAWN', 'SETTLED', 'CANCELLED'];
const LISTED = 100;

/** The public results page: its files, and the list of raffles it shows. */
@Injectable()
export class ResultsService {
  private readonly assets: Map<string, PageAsset> = loadPageAssets();

  constructor(
    private readonly raffles: RaffleService,
    private readonly tickets: TicketService,
  ) {}

  page(): StreamableFile {
    return this.file('index.html');
  }

  asset(path: string): StreamableFile {
    return this.file(path);
  }

  /** The public view (TicketService.publicView) of every raffle that has opened, latest sales close first. */
  async publicRaffles(): Promise<PublicRaffleListDto> {
    const rows = (
      await Promise.all(
        PUBLIC_STATUSES.map((status) => this.raffles.list({ status, limit: LISTED, offset: 0 })),
      )
    ).flat();
    const views = await Promise.all(rows.map((raffle) => this.tickets.publicView(raffle.id)));
    views.sort((a, b) => b.salesCloseAt.localeCompare(a.salesCloseAt) || a.id.localeCompare(b.id));
    return { raffles: views.slice(0, LISTED), asOf: new Date().toISOString() };
  }

  private file(path: string): StreamableFile {
    const asset = this.assets.get(path);
    if (!asset) throw new DomainException(404, 'NOT_FOUND', `no page asset ${path}`);
    return new StreamableFile(asset.body, { type: asset.contentType, length: asset.body.length });
  }
}
