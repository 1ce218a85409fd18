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
  const links = new Set<string>();
  let pending: Buffer = Buffer.alloc(0);
  let entry: { header: Header; remaining: number; handle?: FileHandle; data?: Buffer[] } | undefined;
  let next: { path?: string; link?: string } = {};
  let count = 0;
  const checkLinks = (path: string): void => {
    for (const l of links)
      if (path.startsWith(l + sep))
        throw new ArchiveError(`archive entry ${path} would be written through the link ${l}`);
  };
  const begin = async (header: Header): Promise<void> => {
    if (header.type === 'x' || header.type === 'L' || header.type === 'K' || header.type === 'g') {
      entry = { header, remaining: header.size, data: [] };
      return;
    }
    const name = next.path ?? header.name;
    const link = next.link ?? header.link;
    next = {};
    const path = safeEntryPath(dir, name);
    checkLinks(path);
    count++;
    if (header.type === '5') await mkdir(path, { recursive: true });
    else if (header.type === '2') {
      await mkdir(dirname(path), { recursive: true });
      await symlink(link, path);
      links.add(path);
    } else if (header.type === '0' || header.type === '\0' || header.type === '7') {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(path, 'wx', header.mode & 0o777 || 0o644);
      entry = { header, remaining: header.size, handle };
      if (header.size === 0) await finishEntry();
      return;
    }
    entry = { header, remaining: header.size };
  };
  const finishEntry = async (): Promise<void> => {
    const done = entry;
    entry = undefined;
    if (done === undefined) return;
    await done.handle?.close();
    if (done.data === undefined) return;
    const data = Buffer.concat(done.data);
    if (done.header.type === 'x') {
      const pax = paxRecords(data);
      const path = pax.get('path');
      const link = pax.get('linkpath');
      next = { ...(path === undefined ? {} : { path }), ...(link === undefined ? {} : { link }) };
    } else if (done.header.type === 'L') next.path = field(data, 0, data.length);
    else if (done.header.type === 'K') next.link = field(data, 0, data.length);
  };
  let ended = false;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (!ended) {
        if (entry !== undefined) {
          const take = Math.min(entry.remaining, pending.length);
          if (take === 0 && entry.remaining > 0) break;
          const part = pending.subarray(0, take);
          if (entry.handle !== undefined) await entry.handle.write(part);
          entry.data?.push(Buffer.from(part));
          entry.remaining -= take;
          const padded = entry.remaining === 0 ? Math.ceil(entry.header.size / 512) * 512 - entry.header.size : 0;
          if (entry.remaining > 0 || pending.length < take + padded) {
            // the rest of the data, or the padding after it, is in a later chunk
            pending = pending.subarray(take);
            break;
          }
          pending = pending.subarray(take + padded);
          await finishEntry();
          continue;
        }
        if (pending.length < 512) break;
        const block = pending.subarray(0, 512);
        pending = pending.subarray(512);
        if (block.every((b) => b === 0)) {
          ended = true;
          break;
        }
        await begin(parseHeader(block));
      }
    }
  } finally {
    await entry?.handle?.close();
  }
  if (entry !== undefined) throw new ArchiveError('the archive ended in the middle of an entry');
  return count;
}
