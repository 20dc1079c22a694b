import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const STATES = ['new', 'starting', 'healthy', 'failed', 'closed'];

export class RngFaultDto {
  @ApiProperty({ enum: ['health-test', 'provider'] }) kind!: string;
  @ApiProperty({
    description: 'repetition-count, adaptive-proportion, start-up, attempts-exceeded or provider',
  })
  test!: string;
  @ApiProperty({
    description: "The test, or the provider's reason (login-failed, token-not-found, timeout, ...)",
  })
  reason!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ example: '2026-11-23T08:00:00.000Z' }) at!: string;
  @ApiPropertyOptional({ description: 'The byte value that repeated or dominated its window' })
  sample?: number;
  @ApiPropertyOptional() count?: number;
  @ApiPropertyOptional() cutoff?: number;
  @ApiPropertyOptional({ description: 'Position of the failing sample since the last start-up' })
  sampleIndex?: number;
}

export class RngCheckDto {
  @ApiProperty({ example: 'uniformInt n=10' }) name!: string;
  @ApiProperty() passed!: boolean;
}

export class RngStartUpDto {
  @ApiProperty() passed!: boolean;
  @ApiProperty({ example: '2026-11-23T08:00:00.000Z' }) at!: string;
  @ApiProperty({ description: 'Fresh samples run through the continuous tests and discarded (1024)' })
  samplesTested!: number;
  @ApiProperty({ type: [RngCheckDto], description: 'Known-answer checks of the self-test' })
  checks!: RngCheckDto[];
  @ApiPropertyOptional() failure?: string;
}

/** What an operator or auditor sees of the RNG; no random output is ever returned. */
export class RngStatusDto {
  @ApiProperty({ enum: ['pkcs11', 'kms', 'os'] }) provider!: string;
  @ApiProperty({
    description: 'false for the OS CSPRNG and for stand-ins: such a source may not select winners',
  })
  certified!: boolean;
  @ApiProperty({
    description:
      'Which generator serves: an RFC 7512 PKCS#11 URI with the token serial, kms:<region>/<key store>, os:node-crypto',
  })
  identity!: string;
  @ApiProperty({ enum: STATES, description: 'Draws are served only when healthy' }) state!: string;
  @ApiProperty({ description: 'Bytes served after passing the health tests since start' })
  bytesServed!: number;
  @ApiProperty({
    description: 'Requests made to the provider since start (start-up tests and probes included)',
  })
  providerCalls!: number;
  @ApiProperty({ description: 'Failures that stopped the RNG since start' }) healthFailures!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { 'repetition-count': 1 },
  })
  healthFailuresByTest!: Record<string, number>;
  @ApiProperty({ type: Number, nullable: true, description: 'Latency of the last provider request' })
  lastLatencyMs!: number | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-23T08:00:00.000Z' }) lastCallAt!:
    string | null;
  @ApiProperty({ type: RngFaultDto, nullable: true, description: 'Why the RNG is failed' })
  fault!: RngFaultDto | null;
  @ApiProperty({ type: RngStartUpDto, nullable: true, description: 'The last start-up test' })
  startUp!: RngStartUpDto | null;
  @ApiProperty({ description: 'RNG_ALLOW_UNCERTIFIED as configured' }) allowUncertified!: boolean;
}

export class RngSelfTestDto {
  @ApiProperty() passed!: boolean;
  @ApiProperty({ enum: STATES }) state!: string;
  @ApiProperty({ type: RngStartUpDto }) startUp!: RngStartUpDto;
  @ApiProperty({ type: RngFaultDto, nullable: true, description: 'The failure this self-test cleared' })
  recoveredFrom!: RngFaultDto | null;
}
