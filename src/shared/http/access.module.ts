import { Global, Module } from '@nestjs/common';
import { AdminAuthFailureLimiter } from './admin-auth-failure-limiter';
import { BootstrapKeyVerifier } from './bootstrap-key.verifier';
import { ApiKeyVerifier } from '../domain/principal';
import { TenantOwnership } from './tenant-ownership';

/**
 * Which keys are valid (ApiKeyVerifier: ADMIN_TOKEN, then Tenancy's stored keys) and which tenant owns
 * what (TenantOwnership), for the global ApiAccessGuard and the console's sign-in.
 */
@Global()
@Module({
  providers: [{ provide: ApiKeyVerifier, useClass: BootstrapKeyVerifier }, AdminAuthFailureLimiter, TenantOwnership],
  exports: [ApiKeyVerifier, TenantOwnership],
})
export class AccessModule {}
