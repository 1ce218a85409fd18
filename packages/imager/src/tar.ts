import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { TreeEntry } from './tree.ts';

const Block = 512;

function octal(buf: Buffer, at: number, width: number, value: number): void {
  buf.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, width, 'ascii');
}

function splitName(name: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' };
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '')
      return { name: rest, prefix };
  }
  return undefined;
}

interface Header {
  name: string;
  mode: number;
  size: number;
  type: '0' | '2' | '5' | 'x';
  linkname?: string;
}

/** One ustar header block: uid/gid 0, owner names root, mtime 0 (reproducible by construction). */
export function tarHeader(h: Header): Buffer {
  const buf = Buffer.alloc(Block);
  const split = splitName(h.name) ?? { name: h.name.slice(0, 100), prefix: '' };
  buf.write(split.name, 0, 100, 'utf8');
  octal(buf, 100, 8, h.mode);
  octal(buf, 108, 8, 0);
  octal(buf, 116, 8, 0);
  octal(buf, 124, 12, h.size);
  octal(buf, 136, 12, 0);
  buf.fill(0x20, 148, 156);
  buf.write(h.type, 156, 1, 'ascii');
  if (h.linkname !== undefined) buf.write(h.linkname, 157, 100, 'utf8');
  buf.write('ustar\0', 257, 6, 'ascii');
  buf.write('00', 263, 2, 'ascii');
  buf.write('root', 265, 32, 'ascii');
  buf.write('root', 297, 32, 'ascii');
  buf.write(split.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of buf) sum += b;
  buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return buf;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${String(len)}${body}`;
}

function padding(size: number): Buffer {
  return Buffer.alloc((Block - (size % Block)) % Block);
}

/** Headers for one entry: a PAX header first when the path or link target does not fit ustar. */
function headersFor(e: TreeEntry): Buffer[] {
  const name = e.type === 'dir' ? `${e.path}/` : e.path;
  const records: string[] = [];
  if (splitName(name) === undefined) records.push(paxRecord('path', name));
  if (e.linkTarget !== undefined && Buffer.byteLength(e.linkTarget) > 100)
    records.push(paxRecord('linkpath', e.linkTarget));
  const out: Buffer[] = [];
  if (records.length > 0) {
    const data = Buffer.from(records.join(''));
    out.push(tarHeader({ name: 'PaxHeader', mode: 0o644, size: data.length, type: 'x' }), data, padding(data.length));
  }
  const type = e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0';
  const h: Header = { name, mode: e.mode, size: e.type === 'file' ? e.size : 0, type };
  if (e.linkTarget !== undefined) h.linkname = e.linkTarget;
  out.push(tarHeader(h));
  return out;
}

/**
 * Streams a tar archive of `entries` (already in the order wanted, see walkTree) read from `root`.
 * Every header has mtime 0 and uid/gid 0, so the same tree always gives the same bytes.
 */
export async function* tarStream(
  root: string,
  entries: readonly TreeEntry[],
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  for (const e of entries) {
    signal?.throwIfAborted();
    yield* headersFor(e);
    if (e.type !== 'file') continue;
    let seen = 0;
    for await (const chunk of createReadStream(join(root, e.path), { signal })) {
      seen += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (seen !== e.size) throw new Error(`${join(root, e.path)} changed size while being archived`);
    yield padding(e.size);
  }
  yield Buffer.alloc(Block * 2);
}
