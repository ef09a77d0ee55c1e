export interface Principal {
  keyId: string;
  keyName: string;
  scope: 'admin' | 'tenant' | 'sessions';
  tenantId: string | null;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface Tenant {
  id: string;
  name: string;
  ssoDomains: string[];
  createdAt: string;
  updatedAt: string;
}
export interface Connection {
  id: string;
  tenantId: string;
  name?: string | null;
  tenantUrl: string;
  createdAt: string;
  lastRequestAt?: string | null;
  last24h?: { requests: number; clientErrors: number; serverErrors: number };
  lastSyncRun?: { id: string; status: string; at: string } | null;
}
export interface Token {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  prefix: string;
}
export interface IssuedToken {
  id: string;
  name: string;
  token: string;
  createdAt: string;
}
export interface Ref {
  id: string;
  name: string;
}
export interface Site extends Ref {
  createdAt?: string;
}
export interface InternalGroup extends Ref {
  permissions: string[];
  sites?: Ref[];
  siteIds?: string[];
}
export interface Member {
  accountId: string;
  email: string;
  status: string;
  source: string;
  groups: Ref[];
  permissions: string[];
  sites: Ref[];
  [k: string]: unknown;
}
export interface StagedUser {
  id: string;
  userName: string;
  externalId: string | null;
  displayName: string | null;
  email: string | null;
  active: boolean;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
  syncedAt: string | null;
  syncSkipReason: string | null;
}
export interface StagedGroup {
  id: string;
  displayName: string;
  externalId: string | null;
  deleted?: boolean;
  memberCount?: number;
  createdAt: string;
  [k: string]: unknown;
}
export interface SyncRun {
  id: string;
  connectionId: string;
  status: string;
  trigger: string;
  mode: string;
  startedAt: string;
  finishedAt: string | null;
  counts?: Record<string, number>;
  [k: string]: unknown;
}
export interface AuditEntry {
  id: string;
  sequence?: number | string;
  at?: string;
  occurredAt?: string;
  action: string;
  actor: Record<string, unknown>;
  subject?: { userName?: string; email?: string; accountId?: string } | null;
  summary: string;
  tenantId: string | null;
  [k: string]: unknown;
}
