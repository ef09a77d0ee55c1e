import {
  ArgumentsHost,
  Body,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  UseFilters,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { GlobalExceptionFilter } from '../../../shared/http/global-exception.filter';
import { DescribeSyncScheduleUseCase } from '../application/describe-sync-schedule.use-case';
import { PreviewSyncUseCase } from '../application/preview-sync.use-case';
import { RunSyncUseCase } from '../application/run-sync.use-case';
import { SyncRunQuery, toRunView } from '../application/sync-run.query';
import { SyncError, SyncErrorCode } from '../public/sync.errors';
import { ValidateRequests } from '../../../shared/http/request-validation';

export class StartSyncRunRequestDto {
  /** `auto` (default): incremental unless a full reconciliation is due. */
  @IsOptional()
  @IsIn(['auto', 'full', 'incremental', 'deprovision'])
  mode?: 'auto' | 'full' | 'incremental' | 'deprovision';
}

export class ListSyncRunsQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class GetSyncRunQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  skipsCursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  skipsLimit?: number;
}

export class SyncPreviewQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  limit?: number;
}

/** 409 of a busy connection names the running run: `{error, message, runId}`. */
@Catch(SyncError)
export class SyncRunConflictFilter implements ExceptionFilter {
  private readonly fallback = new GlobalExceptionFilter();

  catch(exception: SyncError, host: ArgumentsHost): void {
    if (exception.code !== SyncErrorCode.RUN_IN_PROGRESS) return this.fallback.catch(exception, host);
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(409)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: 'conflict', message: exception.message, runId: exception.runId });
  }
}

/** Admin API: start a sync run, its history with step logs and skip reasons, and a dry-run preview. */
@Controller('admin/v1')
@ValidateRequests()
@UseFilters(SyncRunConflictFilter)
export class SyncRunsController {
  constructor(
    private readonly runner: RunSyncUseCase,
    private readonly queries: SyncRunQuery,
    private readonly previews: PreviewSyncUseCase,
    private readonly schedule: DescribeSyncScheduleUseCase,
  ) {}

  /** The schedule of this process's scheduled runs and the next fire times. */
  @Get('sync-schedule')
  describeSchedule() {
    return this.schedule.execute();
  }

  /** 202: the run continues in the background of this process. */
  @Post('scim-connections/:connectionId/sync-runs')
  @HttpCode(202)
  async start(@Param('connectionId') connectionId: string, @Body() body: StartSyncRunRequestDto) {
    const { run } = await this.runner.start({ connectionId, trigger: 'manual', mode: body.mode ?? 'auto' });
    return toRunView(run);
  }

  /** Newest first. */
  @Get('scim-connections/:connectionId/sync-runs')
  list(@Param('connectionId') connectionId: string, @Query() q: ListSyncRunsQueryDto) {
    return this.queries.list(connectionId, q.limit ?? 50, q.cursor);
  }

  @Get('scim-connections/:connectionId/sync-preview')
  preview(@Param('connectionId') connectionId: string, @Query() q: SyncPreviewQueryDto) {
    return this.previews.execute(connectionId, q.limit ?? 1000);
  }

  @Get('sync-runs/:runId')
  get(@Param('runId') runId: string, @Query() q: GetSyncRunQueryDto) {
    return this.queries.get(runId, q.skipsCursor, q.skipsLimit ?? 100);
  }
}
