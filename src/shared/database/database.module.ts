import { Global, Module } from '@nestjs/common';
import { AdvisoryLockService } from './advisory-lock.service';
import { RateWindows } from './rate-windows';
import { TransactionHost } from './transaction-host';

@Global()
@Module({
  providers: [TransactionHost, AdvisoryLockService, RateWindows],
  exports: [TransactionHost, AdvisoryLockService, RateWindows],
})
export class DatabaseModule {}
