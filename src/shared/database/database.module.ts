import { Global, Module } from '@nestjs/common';
import { AdvisoryLockService } from './advisory-lock.service';
import { TransactionHost } from './transaction-host';

@Global()
@Module({
  providers: [TransactionHost, AdvisoryLockService],
  exports: [TransactionHost, AdvisoryLockService],
})
export class DatabaseModule {}
