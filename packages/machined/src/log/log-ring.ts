// A service's log: a ring of lines bounded in bytes. Lines accumulate in an open chunk; a full chunk
// is compressed (raw deflate), so the same memory holds several times more history. The oldest
// compressed chunks are dropped when the ring is over its budget. Readers never block writers:
// `tail` copies, and followers keep only a cursor (a line number), so a slow or vanished follower
// costs nothing but lines it misses once they fall out of the ring.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { wakeAll, waitForChange, type Waiters } from './waiters.ts';

export interface LogRingOptions {
  /** Budget for stored bytes (compressed chunks plus the open chunk); 1 MiB unless told. */
  maxBytes?: number;
  /** Size of the open chunk before it is compressed; 64 KiB unless told. */
  chunkBytes?: number;
  /** Longer lines are cut to this many characters and end with `…`; 16 KiB unless told. */
  maxLineLength?: number;
}

export interface LogFollowOptions {
  signal: AbortSignal;
  /** Lines of history to yield before new ones: all retained lines when undefined or negative
   * (Talos's `tail_lines: -1`), none for 0. */
  tailLines?: number;
}

export interface LogRingStats {
  /** Lines still readable. */
  lines: number;
  /** Lines dropped from the ring because of its budget. */
  dropped: number;
  /** Bytes held: compressed chunks plus the open chunk. */
  storedBytes: number;
  /** UTF-8 bytes of the readable lines as written. */
  rawBytes: number;
  chunks: number;
  /** Followers waiting for a new line right now. */
  waiting: number;
}

interface SealedChunk {
  readonly first: number;
  readonly count: number;
  readonly rawBytes: number;
  readonly data: Buffer;
}

export class LogRing {
  readonly #maxBytes: number;
  readonly #chunkBytes: number;
  readonly #maxLine: number;
  readonly #sealed: SealedChunk[] = [];
  #open: string[] = [];
  #openFirst = 0;
  #openBytes = 0;
  #sealedBytes = 0;
  #sealedRaw = 0;
  #cache: { chunk: SealedChunk; lines: string[] } | undefined;
  #closed = false;
  readonly #waiters: Waiters = new Set();

  constructor(options: LogRingOptions = {}) {
    this.#maxBytes = options.maxBytes ?? 1 << 20;
    this.#chunkBytes = Math.min(options.chunkBytes ?? 64 << 10, Math.max(1, Math.floor(this.#maxBytes / 2)));
    this.#maxLine = options.maxLineLength ?? 16 << 10;
  }

  /** Number of the next line to be written (lines ever written). */
  get next(): number {
    return this.#openFirst + this.#open.length;
  }

  /** Number of the oldest line still readable. */
  get first(): number {
    return this.#sealed[0]?.first ?? this.#openFirst;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Appends text as lines (split on `\n`, a trailing newline ends the last line); a LogSink. */
  write(text: string): void {
    const parts = text.split('\n');
    if (parts.at(-1) === '') parts.pop();
    for (const p of parts) this.append(p);
  }

  /** Appends one line (no newline inside). */
  append(line: string): void {
    if (this.#closed) return;
    const l = line.length > this.#maxLine ? `${line.slice(0, this.#maxLine)}…` : line;
    this.#open.push(l);
    this.#openBytes += Buffer.byteLength(l) + 1;
    if (this.#openBytes >= this.#chunkBytes) this.#seal();
    wakeAll(this.#waiters);
  }

  /** The last `n` readable lines, oldest first; all of them when `n` is negative. */
  tail(n: number): string[] {
    const from = this.#tailStart(n);
    const out: string[] = [];
    for (let seq = from; seq < this.next;) {
      const batch = this.#read(seq);
      out.push(...batch);
      seq += batch.length;
    }
    return out;
  }

  /**
   * Yields history (`tailLines`) then every new line until `signal` aborts or the ring closes, then
   * ends. A follower that falls more than the ring behind skips to the oldest readable line. The
   * starting point is fixed when `follow` is called, not at the first `next()`.
   */
  follow(options: LogFollowOptions): AsyncGenerator<string, void, undefined> {
    const { tailLines } = options;
    const from = this.#tailStart(tailLines ?? -1);
    return this.#follow(from, options.signal);
  }

  async *#follow(from: number, signal: AbortSignal): AsyncGenerator<string, void, undefined> {
    let seq = from;
    while (!signal.aborted) {
      seq = Math.max(seq, this.first);
      if (seq < this.next) {
        const batch = this.#read(seq);
        seq += batch.length;
        for (const line of batch) {
          yield line;
          // The reader may have aborted while this generator was parked at the yield.
          if (isAborted(signal)) return;
        }
        continue;
      }
      if (this.#closed) return;
      await waitForChange(this.#waiters, signal);
    }
  }

  /** Ends every follower; later writes are ignored. */
  close(): void {
    this.#closed = true;
    wakeAll(this.#waiters);
  }

  stats(): LogRingStats {
    return {
      lines: this.next - this.first,
      dropped: this.first,
      storedBytes: this.#sealedBytes + this.#openBytes,
      rawBytes: this.#sealedRaw + this.#openBytes,
      chunks: this.#sealed.length + 1,
      waiting: this.#waiters.size,
    };
  }

  #tailStart(n: number): number {
    if (Number.isNaN(n)) return this.next;
    if (n < 0) return this.first;
    return Math.max(this.first, this.next - (Number.isFinite(n) ? Math.floor(n) : Number.MAX_SAFE_INTEGER));
  }

  #seal(): void {
    const raw = this.#open.join('\n');
    const chunk: SealedChunk = {
      first: this.#openFirst,
      count: this.#open.length,
      rawBytes: this.#openBytes,
      data: exact(deflateRawSync(raw)),
    };
    this.#sealed.push(chunk);
    this.#sealedBytes += chunk.data.byteLength;
    this.#sealedRaw += chunk.rawBytes;
    this.#openFirst += this.#open.length;
    this.#open = [];
    this.#openBytes = 0;
    while (this.#sealedBytes > this.#maxBytes - this.#chunkBytes && this.#sealed.length > 0) {
      const old = this.#sealed.shift();
      if (old === undefined) break;
      this.#sealedBytes -= old.data.byteLength;
      this.#sealedRaw -= old.rawBytes;
      if (this.#cache?.chunk === old) this.#cache = undefined;
    }
  }

  /** Lines from `seq` to the end of the chunk holding it (seq must be readable). */
  #read(seq: number): string[] {
    if (seq >= this.#openFirst) return this.#open.slice(seq - this.#openFirst);
    const chunk = this.#chunkOf(seq);
    if (chunk === undefined) return [];
    if (this.#cache?.chunk !== chunk) {
      this.#cache = { chunk, lines: inflateRawSync(chunk.data).toString('utf8').split('\n') };
    }
    return this.#cache.lines.slice(seq - chunk.first);
  }

  #chunkOf(seq: number): SealedChunk | undefined {
    let lo = 0;
    let hi = this.#sealed.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.#sealed[mid];
      if (c === undefined) return undefined;
      if (seq < c.first) hi = mid - 1;
      else if (seq >= c.first + c.count) lo = mid + 1;
      else return c;
    }
    return undefined;
  }
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/** A copy that owns exactly its bytes: zlib's output is often a view of a larger allocation. */
function exact(buf: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(buf.byteLength);
  buf.copy(out);
  return out;
}
