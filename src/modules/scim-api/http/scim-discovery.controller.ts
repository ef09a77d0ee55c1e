import { Controller, Get, Inject, Param, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { Auth } from '../../../shared/http/auth.decorator';
import { SCIM_SCHEMA } from '../../../shared/scim/scim.constants';
import { ScimBearerGuard } from './scim-bearer.guard';
import { ScimContentTypeInterceptor } from '../../../shared/scim/scim-content-type.interceptor';
import { ScimExceptionFilter } from '../../../shared/scim/scim-exception.filter';

/** Discovery endpoints (RFC 7644 §4). */
@Controller('scim/v2/:connectionId')
@Auth('scim')
@UseGuards(ScimBearerGuard)
@UseFilters(ScimExceptionFilter)
@UseInterceptors(ScimContentTypeInterceptor)
export class ScimDiscoveryController {
  constructor(@Inject(APP_ENV) private readonly env: AppEnv) {}

  @Get('ServiceProviderConfig')
  serviceProviderConfig(@Param('connectionId') connectionId: string) {
    const base = `${this.env.PUBLIC_URL}/scim/v2/${connectionId}`;
    // RFC 7643 §5.
    return {
      schemas: [SCIM_SCHEMA.SERVICE_PROVIDER_CONFIG],
      documentationUri: `${this.env.PUBLIC_URL}/`,
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: this.env.SCIM_MAX_BODY_BYTES },
      filter: { supported: true, maxResults: this.env.SCIM_MAX_RESULTS },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: 'Per-connection bearer token issued by the Roster admin API',
          specUri: 'https://www.rfc-editor.org/info/rfc6750',
          primary: true,
        },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
    };
  }
}
