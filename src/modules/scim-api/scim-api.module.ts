import { Module } from '@nestjs/common';
import { ScimDiscoveryController } from './http/scim-discovery.controller';

/** The SCIM 2.0 HTTP surface. Owns no tables: it talks to Staging through its facade. */
@Module({
  controllers: [ScimDiscoveryController],
})
export class ScimApiModule {}
