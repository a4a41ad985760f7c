/** One remembered text: its bytes, what was learnt of it, and another text with the same hash. */
export interface MemoEntry<T> {
  bytes: Uint8Array;
  value: T;
  next: MemoEntry<T> | undefined;
}

/**
 * What was learnt of exact byte texts (dims objects), found by the caller's 30-bit hash and then
 * the bytes, with no string built. Starts over once it holds `maxBytes` of text, which bounds its
 * memory on wild data.
 */
export class BytesMemo<T> {
  private entries = new Map<number, MemoEntry<T>>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The entry for `buf[start, end)`, or undefined when that text was not remembered. */
  find(buf: Uint8Array, start: number, end: number, hash: number): MemoEntry<T> | undefined {
    let entry = this.entries.get(hash);
    while (entry !== undefined && !sameBytes(entry.bytes, buf, start, end)) entry = entry.next;
    return entry;
  }

  remember(buf: Uint8Array, start: number, end: number, hash: number, value: T): void {
    if (this.bytes + (end - start) > this.maxBytes) {
      this.entries = new Map();
      this.bytes = 0;
    }
    this.entries.set(hash, { bytes: Uint8Array.prototype.slice.call(buf, start, end), value, next: this.entries.get(hash) });
    this.bytes += end - start;
  }
}

function sameBytes(known: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let i = 0; i < known.length; i += 1) if (known[i] !== buf[start + i]) return false;
  return true;
}
