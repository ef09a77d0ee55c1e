import { Controller, Inject } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { CreateScimUserUseCase } from '../application/create-scim-user.use-case';
import { DeleteScimUserUseCase } from '../application/delete-scim-user.use-case';
import { GetScimUserQuery } from '../application/get-scim-user.query';
import { ListScimUsersQuery } from '../application/list-scim-users.query';
import { PatchScimUserUseCase } from '../application/patch-scim-user.use-case';
import { ReplaceScimUserUseCase } from '../application/replace-scim-user.use-case';
import { ScimEndpoint } from './scim-controller.decorators';
import { ScimResourceController } from './scim-resource.controller';

@Controller('scim/v2/:connectionId/Users')
@ScimEndpoint()
export class ScimUsersController extends ScimResourceController {
  protected readonly endpoint = 'Users' as const;
  constructor(
    create: CreateScimUserUseCase,
    get: GetScimUserQuery,
    replace: ReplaceScimUserUseCase,
    patch: PatchScimUserUseCase,
    remove: DeleteScimUserUseCase,
    list: ListScimUsersQuery,
    @Inject(APP_ENV) env: AppEnv,
  ) {
    super({ create, get, replace, patch, delete: remove, list }, env);
  }
}
