import { Global, Module, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import { EventBus } from './event-bus';
import { IdempotentHandlers } from './idempotent-handler';
import { OutboxDeadLettersController } from './outbox-dead-letters.controller';
import { OutboxDeadLettersRepository } from './outbox-dead-letters.repository';
import { OutboxRelay } from './outbox-relay';

/** Transactional outbox + relay. Modules inject EventBus; nobody injects EventEmitter2 directly. */
@Global()
@Module({
  controllers: [OutboxDeadLettersController],
  providers: [EventBus, OutboxRelay, OutboxDeadLettersRepository],
  exports: [EventBus, OutboxRelay],
})
export class EventsModule implements OnModuleInit {
  constructor(private readonly tx: TransactionHost) {}

  onModuleInit(): void {
    IdempotentHandlers.bind(this.tx);
  }
}
