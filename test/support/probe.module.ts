import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsInt, IsString, Min, MinLength, ValidateNested } from 'class-validator';
import { Authenticated, Public } from '../../src/auth/access.decorators.js';

class ProbeItemDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  sku!: string;
}

export class ProbeDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  name!: string;

  @ApiProperty({ description: 'Integer minor units' })
  @IsInt()
  @Min(1)
  amountMinor!: number;

  @ApiProperty({ type: [ProbeItemDto] })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => ProbeItemDto)
  items!: ProbeItemDto[];
}

/** Test-only routes that exercise the foundation's plumbing (validation, errors, shutdown). */
@ApiTags('probe')
@Controller('probe')
export class ProbeController {
  @Post()
  @Authenticated({ roles: ['admin'] })
  @ApiCreatedResponse({ type: ProbeDto })
  create(@Body() dto: ProbeDto): ProbeDto {
    return dto;
  }

  @Get('boom')
  @Public()
  boom(): never {
    throw new Error('secret internals: password=hunter2 at /srv/app/db.ts:42');
  }

  @Get('slow')
  @Public()
  async slow(): Promise<{ finished: true }> {
    await new Promise((resolve) => setTimeout(resolve, 700));
    return { finished: true };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}

/** A controller that forgets its access declaration: the service must refuse to start. */
@Controller('forgotten')
export class ForgottenController {
  @Get()
  list(): string[] {
    return [];
  }
}

@Module({ controllers: [ForgottenController] })
export class ForgottenModule {}
