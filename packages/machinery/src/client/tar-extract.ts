// Extracts the tar.gz stream of Copy into a local directory: regular files, directories and
// symbolic links (ustar, with pax and GNU long names). Nothing lands outside the directory:
// absolute names are made relative, `..` is refused, and no entry is written through a link the
// archive itself created.
import { mkdir, open, symlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** An archive that cannot be extracted safely or is malformed. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError' as const;
}

export function isArchiveError(err: unknown): err is ArchiveError {
  return err instanceof Error && err.name === 'ArchiveError';
}

interface Header {
  name: string;
  mode: number;
  size: number;
  type: string;
  link: string;
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number): number {
  const first = block[start] ?? 0;
  if ((first & 0x80) !== 0) {
    let n = first & 0x7f;
    for (let i = 1; i < length; i++) n = n * 256 + (block[start + i] ?? 0);
    return n;
  }
  const text = field(block, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function parseHeader(block: Buffer): Header {
  const prefix = field(block, 257, 6).startsWith('ustar') ? field(block, 345, 155) : '';
  const name = field(block, 0, 100);
  return {
    name: prefix === '' ? name : `${prefix}/${name}`,
    mode: octal(block, 100, 8),
    size: octal(block, 124, 12),
    type: String.fromCharCode(block[156] ?? 0),
    link: field(block, 157, 100),
  };
}

function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let text = data.toString('utf8');
  while (text.length > 0) {
    const space = text.indexOf(' ');
    const len = Number(text.slice(0, space));
    if (space < 0 || !Number.isInteger(len) || len <= 0) break;
    const record = text.slice(space + 1, len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    text = text.slice(len);
  }
  return out;
}

/** The safe destination of an entry name, or an ArchiveError. */
export function safeEntryPath(dir: string, name: string): string {
  const relative = normalize(name.replace(/^\/+/, ''));
  if (relative === '.' || relative === '') return dir;
  if (relative.split(sep).includes('..'))
    throw new ArchiveError(`archive entry ${JSON.stringify(name)} points outside the target directory`);
  return join(dir, relative);
}

interface OpenEntry {
  header: Header;
  remaining: number;
  /** The file being written (regular files). */
  handle?: FileHandle;
  /** The collected data of PAX and GNU long-name entries. */
  data?: Buffer[];
}

const metaTypes = new Set(['x', 'L', 'K', 'g']);
const fileTypes = new Set(['0', '\0', '7']);

/** One extraction: the tar stream's state between chunks. */
class Extraction {
  readonly #dir: string;
  readonly #links = new Set<string>();
  #pending: Buffer = Buffer.alloc(0);
  #entry: OpenEntry | undefined;
  #next: { path?: string; link?: string } = {};
  #ended = false;
  count = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  get midEntry(): boolean {
    return this.#entry !== undefined;
  }

  async close(): Promise<void> {
    await this.#entry?.handle?.close();
  }

  /** Consumes a chunk of the tar stream: headers, file data and padding. */
  async push(chunk: Buffer): Promise<void> {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (!this.#ended) {
      if (this.#entry !== undefined) {
        if (!(await this.#data(this.#entry))) return;
        continue;
      }
      if (this.#pending.length < 512) return;
      const block = this.#pending.subarray(0, 512);
      this.#pending = this.#pending.subarray(512);
      if (block.every((b) => b === 0)) this.#ended = true;
      else await this.#begin(parseHeader(block));
    }
  }

  /** Writes what is pending of the entry's data; false when the rest is in a later chunk. */
  async #data(entry: OpenEntry): Promise<boolean> {
    const take = Math.min(entry.remaining, this.#pending.length);
    const part = this.#pending.subarray(0, take);
    if (entry.handle !== undefined && take > 0) await entry.handle.write(part);
    entry.data?.push(Buffer.from(part));
    entry.remaining -= take;
    const padding = entry.remaining === 0 ? Math.ceil(entry.header.size / 512) * 512 - entry.header.size : 0;
    if (entry.remaining > 0 || this.#pending.length < take + padding) {
      this.#pending = this.#pending.subarray(take);
      return false;
    }
    this.#pending = this.#pending.subarray(take + padding);
    await this.#finish();
    return true;
  }

  async #begin(header: Header): Promise<void> {
    if (metaTypes.has(header.type)) {
      this.#entry = { header, remaining: header.size, data: [] };
      return;
    }
    const name = this.#next.path ?? header.name;
    const link = this.#next.link ?? header.link;
    this.#next = {};
    const path = safeEntryPath(this.#dir, name);
    for (const l of this.#links) {
      if (path.startsWith(l + sep))
        throw new ArchiveError(`archive entry ${path} would be written through the link ${l}`);
    }
    this.count++;
    if (header.type === '5') await mkdir(path, { recursive: true });
    else if (header.type === '2') {
      await mkdir(dirname(path), { recursive: true });
      await symlink(link, path);
      this.#links.add(path);
    } else if (fileTypes.has(header.type)) {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(path, 'wx', header.mode & 0o777 || 0o644);
      this.#entry = { header, remaining: header.size, handle };
      return;
    }
    // other types (hard links, devices, fifos) are skipped, their data too
    this.#entry = { header, remaining: header.size };
  }

  async #finish(): Promise<void> {
    const done = this.#entry;
    this.#entry = undefined;
    if (done === undefined) return;
    await done.handle?.close();
    if (done.data === undefined) return;
    const data = Buffer.concat(done.data);
    if (done.header.type === 'x') {
      const pax = paxRecords(data);
      const path = pax.get('path');
      const link = pax.get('linkpath');
      this.#next = { ...(path === undefined ? {} : { path }), ...(link === undefined ? {} : { link }) };
    } else if (done.header.type === 'L') this.#next.path = field(data, 0, data.length);
    else if (done.header.type === 'K') this.#next.link = field(data, 0, data.length);
  }
}

/** Reads `source` (gzip of a tar) and writes its entries under `dir`; resolves to the entry count. */
export async function extractTarGz(
  source: AsyncIterable<Uint8Array>,
  dir: string,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  await mkdir(dir, { recursive: true });
  // pipeline passes a failure of the source on to gunzip, so the loop below throws it
  const gunzip = createGunzip();
  pipeline(Readable.from(source, { objectMode: false }), gunzip, () => undefined);
  const extraction = new Extraction(dir);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      await extraction.push(chunk);
    }
  } finally {
    await extraction.close();
  }
  if (extraction.midEntry) throw new ArchiveError('the archive ended in the middle of an entry');
  return extraction.count;
}
