import { Controller, Get, Inject, Param } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { ScimError } from '../../../shared/scim/scim-error';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import type { ScimPrincipal } from '../../tenancy/public';
import { SCIM_SCHEMA_REGISTRY } from '../application/scim-registry.provider';
import {
  buildResourceTypeDocument,
  buildResourceTypesList,
  buildSchemaDocument,
  buildSchemasList,
  buildServiceProviderConfig,
} from '../domain/discovery/scim-discovery.documents';
import { ScimEndpoint } from './scim-controller.decorators';
import { ScimConnection } from './scim-principal.decorator';

/** Discovery endpoints (RFC 7644 §4; documents per RFC 7643 §5–7). Entra reads /Schemas on save. */
@Controller('scim/v2/:connectionId')
@ScimEndpoint()
export class ScimDiscoveryController {
  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    @Inject(SCIM_SCHEMA_REGISTRY) private readonly registry: ScimSchemaRegistry,
  ) {}

  private base(p: ScimPrincipal) {
    return `${this.env.PUBLIC_URL}/scim/v2/${p.connectionId}`;
  }

  @Get('ServiceProviderConfig')
  serviceProviderConfig(@ScimConnection() p: ScimPrincipal) {
    return buildServiceProviderConfig(this.base(p), {
      maxResults: this.env.SCIM_MAX_RESULTS,
      maxPayloadSize: this.env.SCIM_MAX_BODY_BYTES,
      documentationUri: `${this.env.PUBLIC_URL}/`,
    });
  }

  @Get('ResourceTypes')
  resourceTypes(@ScimConnection() p: ScimPrincipal) {
    return buildResourceTypesList(this.base(p), { registry: this.registry });
  }

  @Get('ResourceTypes/:name')
  resourceType(@ScimConnection() p: ScimPrincipal, @Param('name') name: string) {
    const canonical = (['User', 'Group'] as const).find((n) => n.toLowerCase() === name.toLowerCase());
    if (!canonical) throw ScimError.notFound(`ResourceType ${name.slice(0, 64)} not found`);
    return buildResourceTypeDocument(this.base(p), { registry: this.registry, name: canonical });
  }

  @Get('Schemas')
  schemas(@ScimConnection() p: ScimPrincipal) {
    return buildSchemasList(this.base(p), { registry: this.registry });
  }

  @Get('Schemas/:id')
  schema(@ScimConnection() p: ScimPrincipal, @Param('id') id: string) {
    const doc = buildSchemaDocument(this.base(p), { registry: this.registry, id });
    if (!doc) throw ScimError.notFound(`Schema ${id.slice(0, 200)} not found`);
    return doc;
  }
}
