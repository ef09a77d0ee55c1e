/**
 * A failure of the embedded PostgreSQL, worded for the operator: one line saying what happened and
 * what to do. `main` prints it as the single fatal line of a failed start.
 */
export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' ').trim());
    this.name = 'EmbeddedPostgresError';
  }
}
