import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorators.js';
import { JurisdictionParamsDto, JurisdictionProfileDto } from './dto/jurisdiction.dto.js';
import { JurisdictionService } from './jurisdiction.service.js';

@ApiTags('jurisdictions')
@Controller('v1/jurisdictions')
export class JurisdictionController {
  constructor(private readonly jurisdictions: JurisdictionService) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'The jurisdiction profiles a raffle may declare, each rule traced to its checklist ID',
  })
  @ApiOkResponse({ type: [JurisdictionProfileDto] })
  list(): JurisdictionProfileDto[] {
    return this.jurisdictions.list();
  }

  @Get(':code')
  @Public()
  @ApiOperation({ summary: 'One jurisdiction profile' })
  @ApiOkResponse({ type: JurisdictionProfileDto })
  get(@Param() params: JurisdictionParamsDto): JurisdictionProfileDto {
    return this.jurisdictions.profile(params.code);
  }
}
