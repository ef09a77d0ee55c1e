/** Size of the chunks a ByteWriter hands on (a few hundred export records each). */
export const CHUNK_BYTES = 64 * 1024;

/**
 * Appends bytes to fixed-size chunks and hands each full chunk to `emit` — the output side of the
 * export encoders, which write records byte by byte without building strings.
 *
 * Writers call `reserve(n)` with an upper bound of what they are about to write, then the
 * unchecked `byte`/`copy`/`ascii` methods: one bounds check per field, not per byte.
 */
export class ByteWriter {
  buf: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  at = 0;

  constructor(private readonly emit: (chunk: Buffer) => void) {}

  /** Makes room for `n` more bytes (flushing, or growing for one oversized value). */
  reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  byte(b: number): void {
    this.buf[this.at++] = b;
  }

  /** `src[start, end)` — a view into a buffer that may be reused, so copied now. */
  copy(src: Buffer, start: number, end: number): void {
    // Most fields are a few dozen bytes: a loop beats the native call's fixed cost there.
    if (end - start > 64) {
      this.at += src.copy(this.buf, this.at, start, end);
      return;
    }
    const buf = this.buf;
    let at = this.at;
    for (let i = start; i < end; i++) buf[at++] = src[i];
    this.at = at;
  }

  /** A constant prepared once (keys, separators). */
  bytes(src: Buffer): void {
    this.copy(src, 0, src.length);
  }

  /** Bytes already written: hands the chunk on once it is nearly full, so records are not split needlessly. */
  endRecord(): void {
    if (this.at > this.buf.length - 2048) this.flush();
  }

  flush(): void {
    if (this.at === 0) return;
    const full = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.at = 0;
    this.emit(full);
  }
}
