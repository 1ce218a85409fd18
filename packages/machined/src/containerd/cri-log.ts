// A Kubernetes container's log as the kubelet keeps it: /var/log/pods/NS_POD_UID/CONTAINER/N.log
// (N the restart count), in the CRI log format, one record a line: `TIMESTAMP STREAM TAG MESSAGE`
// (STREAM stdout or stderr; TAG F for a full line, P for a partial one that the next record
// continues). Read as `osctl logs -k` prints it: the messages only, partials joined, the last N
// lines, and with follow the lines appended later (the file polled; a rotated or truncated file
// is read again from its start).
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const RecordPattern = /^(\S+) (stdout|stderr) ([FP])(?:\S*) ?(.*)$/s;

export interface CriRecord {
  stream: 'stdout' | 'stderr' | '';
  /** Whether the next record continues this line. */
  partial: boolean;
  message: string;
}

/** One CRI log line; a line that is not in the format is its own full message. */
export function parseCriRecord(line: string): CriRecord {
  const m = RecordPattern.exec(line);
  if (m === null) return { stream: '', partial: false, message: line };
  return { stream: m[2] as 'stdout' | 'stderr', partial: m[3] === 'P', message: m[4] ?? '' };
}

/** Joins partial records into lines; `pending` carries an unfinished line from one batch to the next. */
export class CriLineJoiner {
  #pending = '';

  push(lines: readonly string[]): string[] {
    const out: string[] = [];
    for (const line of lines) {
      const r = parseCriRecord(line);
      this.#pending += r.message;
      if (!r.partial) {
        out.push(this.#pending);
        this.#pending = '';
      }
    }
    return out;
  }
}

export interface CriLogTarget {
  namespace: string;
  pod: string;
  uid: string;
  container: string;
}

/**
 * The newest log of a container (the highest restart count's `N.log`) under `logRoot` (the node's
 * /var/log/pods), or undefined when the kubelet has written none.
 */
export async function criLogFile(logRoot: string, t: CriLogTarget): Promise<string | undefined> {
  const dir = join(logRoot, `${t.namespace}_${t.pod}_${t.uid}`, t.container);
  const names = await readdir(dir).catch(() => [] as string[]);
  const counts = names
    .map((n) => /^(\d+)\.log$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  return counts[0] === undefined ? undefined : join(dir, `${String(counts[0])}.log`);
}

export interface ReadCriLogOptions {
  /** The last N lines (of what the file holds now); undefined: all. */
  tailLines?: number;
  /** Keep yielding lines appended later until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
  /** How often a followed file is checked for growth; 250 ms unless told. */
  pollMs?: number;
}

/** The complete lines of `bytes` and the bytes after the last newline (kept whole, so a UTF-8 character split between reads survives). */
function splitComplete(bytes: Buffer): { lines: string[]; rest: Buffer } {
  const end = bytes.lastIndexOf(10);
  if (end < 0) return { lines: [], rest: bytes };
  return { lines: bytes.subarray(0, end).toString('utf8').split('\n'), rest: bytes.subarray(end + 1) };
}

/** The messages of the CRI log at `path`: the last `tailLines`, then (with follow) new ones as they come. */
export async function* readCriLog(path: string, options: ReadCriLogOptions = {}): AsyncGenerator<string> {
  const joiner = new CriLineJoiner();
  const first = await stat(path);
  const buf = await readFile(path);
  const { lines, rest } = splitComplete(buf);
  let messages = joiner.push(lines);
  if (options.tailLines !== undefined) messages = options.tailLines === 0 ? [] : messages.slice(-options.tailLines);
  yield* messages;
  if (options.follow !== true) return;
  let carry = rest;
  let ino = first.ino;
  let offset = buf.length;
  const pollMs = options.pollMs ?? 250;
  const signal = options.signal;
  while (signal?.aborted !== true) {
    try {
      await sleep(pollMs, undefined, signal === undefined ? {} : { signal });
    } catch {
      return;
    }
    const now = await stat(path).catch(() => undefined);
    if (now === undefined) continue; // rotated away: the kubelet creates the file again
    if (now.ino !== ino || now.size < offset) {
      ino = now.ino;
      offset = 0;
      carry = Buffer.alloc(0);
    }
    if (now.size <= offset) continue;
    const fh = await open(path, 'r');
    try {
      const chunk = Buffer.alloc(now.size - offset);
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, offset);
      offset += bytesRead;
      const split = splitComplete(Buffer.concat([carry, chunk.subarray(0, bytesRead)]));
      carry = split.rest;
      yield* joiner.push(split.lines);
    } finally {
      await fh.close();
    }
  }
}
