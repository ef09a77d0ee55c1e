import { Injectable, OnModuleInit } from '@nestjs/common';
import { TenantOwnership } from '../../../shared/http/tenant-ownership';
import { SessionsUseCases } from '../application/sessions.use-cases';

/** Tells the access guard which tenant a session belongs to (`kind: 'session'`). */
@Injectable()
export class SessionTenantResolver implements OnModuleInit {
  constructor(
    private readonly ownership: TenantOwnership,
    private readonly sessions: SessionsUseCases,
  ) {}

  onModuleInit(): void {
    this.ownership.register('session', (id) => this.sessions.tenantOf(id));
  }
}
