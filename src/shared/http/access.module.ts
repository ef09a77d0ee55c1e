import { Global, Module } from '@nestjs/common';
import { PrincipalResolver } from './principal-resolver';
import { TenantOwnership } from './tenant-ownership';

/** Who calls (PrincipalResolver) and which tenant owns what (TenantOwnership), for the global ApiAccessGuard. */
@Global()
@Module({
  providers: [PrincipalResolver, TenantOwnership],
  exports: [PrincipalResolver, TenantOwnership],
})
export class AccessModule {}
