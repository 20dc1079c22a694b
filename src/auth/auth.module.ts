import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AppConfig } from '../config/environment.js';
import { AccessGuard } from './access.guard.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LocalSigningKey } from './local-signing-key.js';
import { RouteDeclarationCheck } from './route-declarations.js';
import { SecurityEvents } from './security-events.js';

@Global()
@Module({
  imports: [PassportModule, DiscoveryModule],
  providers: [
    {
      provide: LocalSigningKey,
      inject: [AppConfig],
      // Without a JWKS the service trusts only its own development key in DATA_DIR.
      useFactory: (config: AppConfig) =>
        config.AUTH_JWKS_URL ? null : LocalSigningKey.loadOrCreate(config.DATA_DIR),
    },
    JwtStrategy,
    SecurityEvents,
    RouteDeclarationCheck,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [SecurityEvents],
})
export class AuthModule {}
