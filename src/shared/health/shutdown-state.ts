import { Injectable } from '@nestjs/common';

/** Whether the process was asked to stop: readiness answers 503 from then on, liveness does not. */
@Injectable()
export class ShutdownState {
  private since: Date | undefined;

  beginDrain(): void {
    this.since ??= new Date();
  }

  get draining(): boolean {
    return this.since !== undefined;
  }
}
