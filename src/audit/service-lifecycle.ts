import {
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SoftwareIntegrityService } from '../integrity/software-integrity.service.js';
import { RngService } from '../rng/rng.service.js';
import { ServiceJournal } from './service-journal.js';

/**
 * Provided by the root module (AppModule), on purpose: Nest runs the root module's
 * onApplicationBootstrap after every other module's (so the software check has run and the RNG
 * is open when SERVICE_STARTED is journaled) and its onApplicationShutdown after the HTTP server
 * has closed but before any other module's (so the ledger sequencer and the database are still
 * there for SERVICE_STOPPED).
 */
@Injectable()
export class ServiceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly journal: ServiceJournal,
    private readonly software: SoftwareIntegrityService,
    @Optional() private readonly rng?: RngService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.journal.started({
      software: this.software.facts(),
      rng: this.rng ? { ...this.rng.info() } : null,
    });
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.journal.stopped(signal);
  }
}
