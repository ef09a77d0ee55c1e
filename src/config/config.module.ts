import { DynamicModule, Global, Module } from '@nestjs/common';
import { ADMIN_TOKEN } from '../shared/http/admin-token.constants';
import { BootstrapKeyVerifier } from '../shared/http/bootstrap-key.verifier';
import { ApiKeyVerifier } from '../shared/http/principal';
import { APP_ENV, type AppEnv } from './env.schema';

/** Provides the validated environment (APP_ENV), the resolved admin token and its verifier to every module. */
@Global()
@Module({})
export class ConfigModule {
  static register(env: AppEnv, adminToken: string): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_ENV, useValue: env },
        { provide: ADMIN_TOKEN, useValue: adminToken },
        { provide: ApiKeyVerifier, useClass: BootstrapKeyVerifier },
      ],
      exports: [APP_ENV, ADMIN_TOKEN, ApiKeyVerifier],
    };
  }
}
