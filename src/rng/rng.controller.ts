import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/access.decorators.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/roles.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { RngSelfTestDto, RngStatusDto } from './dto/rng-status.dto.js';
import { RngService } from './rng.service.js';

/** The RNG's state for operators and auditors. Nothing here returns random numbers. */
@ApiTags('rng')
@Controller('v1/rng')
export class RngController {
  constructor(private readonly rng: RngService) {}

  @Get('status')
  @Authenticated({ roles: ['admin', 'auditor', 'operator'] })
  @ApiOperation({
    summary: 'Provider, certification, identity, health state, bytes served, failures, latency',
  })
  @ApiOkResponse({ type: RngStatusDto })
  status(): RngStatusDto {
    return this.rng.status();
  }

  @Post('self-test')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Runs the start-up test again (known answers + 1024 fresh samples); the way back after a fault',
    description: 'Journaled as RNG_SELF_TEST. A failed RNG serves draws again only if this passes.',
  })
  @ApiOkResponse({ type: RngSelfTestDto, description: 'The result; `passed` false leaves the RNG failed' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The RNG is not open' })
  selfTest(@CurrentPrincipal() principal: Principal): Promise<RngSelfTestDto> {
    return this.rng.selfTest(principal.sub);
  }
}
