import { DynamicModule, Global, Module } from '@nestjs/common';
import { ADMIN_TOKEN } from '../shared/http/admin-token.constants';
import { APP_ENV, type AppEnv } from './env.schema';

/** Provides the validated environment (APP_ENV), and the resolved admin token to every module. */
@Global()
@Module({})
export class ConfigModule {
  static register(env: AppEnv, adminToken: string): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_ENV, useValue: env },
        { provide: ADMIN_TOKEN, useValue: adminToken },
      ],
      exports: [APP_ENV, ADMIN_TOKEN],
    };
  }
}
