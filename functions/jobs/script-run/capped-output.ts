import { PassThrough, type Readable } from 'node:stream';

/** Bytes of each stream kept on the record. */
export const TAIL_BYTES = 4096;

export interface OutputStats {
  /** Bytes the script wrote. */
  bytes: number;
  /** Bytes stored in the artifact (at most the cap). */
  storedBytes: number;
  truncated: boolean;
  /** The last TAIL_BYTES bytes the script wrote (whether stored or not). */
  tail: string;
}

/**
 * One output stream of a script on its way to an artifact: the first `capBytes` bytes go to
 * `body` (uploaded as they come, with backpressure), the rest is read and dropped so the script
 * never blocks on a full pipe, and the last 4 KiB are kept for the record. Memory stays bounded
 * whatever the script prints.
 */
export class CappedOutput {
  readonly body = new PassThrough();
  private bytes = 0;
  private stored = 0;
  private tailBuffer = Buffer.alloc(0);
  /** The upload stopped taking data (it failed); the rest is drained like past the cap. */
  private sinkClosed = false;

  constructor(private readonly capBytes: number) {
    this.body.on('close', () => {
      this.sinkClosed = true;
    });
  }

  attach(source: Readable): void {
    source.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      this.tailBuffer = this.tailBuffer.length + chunk.length <= TAIL_BYTES ? Buffer.concat([this.tailBuffer, chunk]) : Buffer.concat([this.tailBuffer, chunk]).subarray(-TAIL_BYTES);
      const room = this.capBytes - this.stored;
      if (room <= 0 || this.sinkClosed) return;
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.stored += kept.length;
      if (!this.body.write(kept)) {
        source.pause();
        const resume = () => {
          this.body.off('drain', resume);
          this.body.off('close', resume);
          source.resume();
        };
        this.body.on('drain', resume);
        this.body.on('close', resume);
      }
    });
    const finish = () => {
      if (!this.body.writableEnded) this.body.end();
    };
    source.once('end', finish);
    source.once('close', finish);
    source.once('error', finish);
  }

  stats(): OutputStats {
    return {
      bytes: this.bytes,
      storedBytes: this.stored,
      truncated: this.bytes > this.stored,
      // A cut through a multi-byte character shows as U+FFFD; drop it at the start.
      tail: this.tailBuffer.toString('utf8').replace(/^\uFFFD+/, ''),
    };
  }
}
