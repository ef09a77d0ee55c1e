import { DEFAULT_SCIM_SCHEMA_REGISTRY } from '../../../shared/scim/schemas/scim-schema.registry';

/** DI token of the schema registry the SCIM API serves and interprets resources with. */
export const SCIM_SCHEMA_REGISTRY = Symbol('SCIM_SCHEMA_REGISTRY');

export const scimSchemaRegistryProvider = {
  provide: SCIM_SCHEMA_REGISTRY,
  useValue: DEFAULT_SCIM_SCHEMA_REGISTRY,
};
