import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Session-level PostgreSQL advisory locks, keyed by `hashtext(name)`. Safe with replicas: the lock
 * lives in the database, and is released if the holding process dies (its connection closes).
 */
@Injectable()
export class AdvisoryLockService {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `fn` while holding the lock; returns `{ acquired: false }` at once if another holder has it. */
  async tryWithLock<T>(
    name: string,
    fn: () => Promise<T>,
  ): Promise<{ acquired: true; result: T } | { acquired: false }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [name])) as {
        ok: boolean;
      }[];
      if (!row.ok) return { acquired: false };
      try {
        return { acquired: true, result: await fn() };
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
      }
    } finally {
      await runner.release();
    }
  }
}
