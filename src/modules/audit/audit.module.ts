import { Module } from '@nestjs/common';

/** See README.md in this folder: purpose, owned tables, public API, events. */
@Module({})
export class AuditModule {}
