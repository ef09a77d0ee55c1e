/** Tenancy's public door: what other modules may import. */
export * from './scim-bearer.constants';
export * from './tenancy.errors';
export * from './tenancy.facade';
export * from './events/scim-connection-created.event';
export * from './events/scim-connection-deleted.event';
export * from './events/scim-token-issued.event';
export * from './events/scim-token-rotated.event';
export * from './events/scim-token-revoked.event';
export * from './events/tenant-created.event';
export * from './events/tenant-updated.event';
export * from './events/member-provisioned.event';
export * from './events/member-updated.event';
export * from './events/membership-revoked.event';
