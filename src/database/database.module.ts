import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/environment.js';
import { DatabaseService } from './database.service.js';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseService,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const database = await DatabaseService.connect(config);
        if (config.DATABASE_MIGRATE) await database.migrate();
        return database;
      },
    },
  ],
  exports: [DatabaseService],
})
export class DatabaseModule {}
