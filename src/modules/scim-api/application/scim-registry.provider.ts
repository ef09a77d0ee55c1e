import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';

/** DI token of the schema registry the SCIM API serves and interprets resources with. */
export const SCIM_SCHEMA_REGISTRY = Symbol('SCIM_SCHEMA_REGISTRY');

export const scimSchemaRegistryProvider = {
  provide: SCIM_SCHEMA_REGISTRY,
  inject: [APP_ENV],
  useFactory: (env: AppEnv): ScimSchemaRegistry =>
    new ScimSchemaRegistry({ maxMultiValued: env.SCIM_MAX_MULTI_VALUED }),
};
