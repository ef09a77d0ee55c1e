import { Controller, Inject } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { ScimUsersUseCases } from '../application/scim-users.use-cases';
import { ScimEndpoint } from './scim-controller.decorators';
import { ScimResourceController } from './scim-resource.controller';

@Controller('scim/v2/:connectionId/Users')
@ScimEndpoint()
export class ScimUsersController extends ScimResourceController {
  protected readonly endpoint = 'Users' as const;
  constructor(useCases: ScimUsersUseCases, @Inject(APP_ENV) env: AppEnv) {
    super(useCases, env);
  }
}
