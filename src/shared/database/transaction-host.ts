import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

interface TxContext {
  readonly manager: EntityManager;
  readonly afterCommit: Array<() => void>;
}

/**
 * The current transaction, carried by AsyncLocalStorage so repositories and the EventBus join the
 * use case's transaction without passing an EntityManager through every signature.
 * (The house style names @nestjs-cls/transactional; its nestjs-cls peer needs Node ≥22, so this is
 * the same idea in 40 lines.)
 */
@Injectable()
export class TransactionHost {
  private readonly logger = new Logger(TransactionHost.name);
  private readonly als = new AsyncLocalStorage<TxContext>();

  constructor(private readonly dataSource: DataSource) {}

  /** The transaction's manager inside `run`, the pool's manager outside. */
  get manager(): EntityManager {
    return this.als.getStore()?.manager ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return this.als.getStore() !== undefined;
  }

  /** Runs `fn` in a transaction (joins the current one when nested). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.als.getStore()) return fn();
    const afterCommit: Array<() => void> = [];
    const result = await this.dataSource.transaction((manager) => this.als.run({ manager, afterCommit }, fn));
    for (const hook of afterCommit) {
      try {
        hook();
      } catch (err) {
        this.logger.error(`after-commit hook failed: ${(err as Error).message}`);
      }
    }
    return result;
  }

  /** Registers a callback for after the current transaction commits; runs now when there is none. */
  afterCommit(hook: () => void): void {
    const store = this.als.getStore();
    if (store) store.afterCommit.push(hook);
    else hook();
  }
}
