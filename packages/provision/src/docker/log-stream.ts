// The multiplexed stream of /containers/{id}/logs and attach (containers without a TTY): frames of
// an 8-byte header (stream 0 stdin, 1 stdout, 2 stderr; 3 zero bytes; big-endian uint32 size) and
// the payload. The decoder is incremental: chunks may split headers and payloads anywhere.

export const LogStream = { stdin: 0, stdout: 1, stderr: 2 } as const;
export type LogStream = (typeof LogStream)[keyof typeof LogStream];

export interface LogFrame {
  stream: LogStream;
  data: Buffer;
}

export class LogDecoder {
  #pending: Buffer = Buffer.alloc(0);

  /** Feeds one chunk; returns the frames it completes. Throws on a header that is not a frame. */
  push(chunk: Buffer): LogFrame[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: LogFrame[] = [];
    while (this.#pending.length >= 8) {
      const stream = this.#pending[0] ?? -1;
      if (stream !== 0 && stream !== 1 && stream !== 2) {
        throw new Error(`log stream byte ${stream} is not 0, 1 or 2: not a multiplexed stream (a TTY container?)`);
      }
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < 8 + size) break;
      frames.push({ stream, data: this.#pending.subarray(8, 8 + size) });
      this.#pending = this.#pending.subarray(8 + size);
    }
    return frames;
  }

  /** Bytes of an unfinished frame left at the end of the stream (0 when it ended cleanly). */
  get leftover(): number {
    return this.#pending.length;
  }
}

/** Decodes a whole buffer into stdout and stderr text. */
export function demultiplex(body: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (const frame of new LogDecoder().push(body)) (frame.stream === LogStream.stderr ? err : out).push(frame.data);
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** Encodes frames (for tests and fakes). */
export function multiplex(frames: readonly LogFrame[]): Buffer {
  return Buffer.concat(
    frames.flatMap((f) => {
      const header = Buffer.alloc(8);
      header[0] = f.stream;
      header.writeUInt32BE(f.data.length, 4);
      return [header, f.data];
    }),
  );
}
