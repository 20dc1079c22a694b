import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/access.decorators.js';
import { DatabaseService } from '../database/database.service.js';
import { ReadinessRegistry } from './readiness.registry.js';

@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('live')
  @Public()
  @HealthCheck()
  @ApiOkResponse({ description: 'The process is up' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOkResponse({ description: 'The database and every registered dependency are usable' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; details per dependency' })
  ready() {
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.database.ping();
            return { engine: this.database.engine };
          })
          .withTimeout(3_000),
      ...this.readiness.all(),
    ]);
  }
}
