import { Controller, Inject } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { ScimGroupsUseCases } from '../application/scim-groups.use-cases';
import { ScimEndpoint } from './scim-controller.decorators';
import { ScimResourceController } from './scim-resource.controller';

@Controller('scim/v2/:connectionId/Groups')
@ScimEndpoint()
export class ScimGroupsController extends ScimResourceController {
  protected readonly endpoint = 'Groups' as const;
  constructor(useCases: ScimGroupsUseCases, @Inject(APP_ENV) env: AppEnv) {
    super(useCases, env);
  }
}
