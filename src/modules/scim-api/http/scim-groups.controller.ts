import { Controller, Inject } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { CreateScimGroupUseCase } from '../application/create-scim-group.use-case';
import { DeleteScimGroupUseCase } from '../application/delete-scim-group.use-case';
import { GetScimGroupQuery } from '../application/get-scim-group.query';
import { ListScimGroupsQuery } from '../application/list-scim-groups.query';
import { PatchScimGroupUseCase } from '../application/patch-scim-group.use-case';
import { ReplaceScimGroupUseCase } from '../application/replace-scim-group.use-case';
import { ScimEndpoint } from './scim-controller.decorators';
import { ScimResourceController } from './scim-resource.controller';

@Controller('scim/v2/:connectionId/Groups')
@ScimEndpoint()
export class ScimGroupsController extends ScimResourceController {
  protected readonly endpoint = 'Groups' as const;
  constructor(
    create: CreateScimGroupUseCase,
    get: GetScimGroupQuery,
    replace: ReplaceScimGroupUseCase,
    patch: PatchScimGroupUseCase,
    remove: DeleteScimGroupUseCase,
    list: ListScimGroupsQuery,
    @Inject(APP_ENV) env: AppEnv,
  ) {
    super({ create, get, replace, patch, delete: remove, list }, env);
  }
}
