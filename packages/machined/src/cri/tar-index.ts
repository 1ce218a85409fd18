// Where each regular file of a tar archive lies (offset and size), read header by header from the
// file, so an image archive's blobs can be streamed from it without unpacking or loading it whole.
// Handles ustar (with its name prefix), pax `path` records and GNU long names.
import type { FileHandle } from 'node:fs/promises';

export interface TarEntry {
  name: string;
  /** Byte offset of the content in the archive. */
  offset: number;
  size: number;
}

export class TarFormatError extends Error {
  override readonly name = 'TarFormatError' as const;
}

export function isTarFormatError(err: unknown): err is TarFormatError {
  return err instanceof Error && err.name === 'TarFormatError';
}

const Block = 512;

function text(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function octal(buf: Buffer, start: number, length: number, where: string): number {
  const raw = text(buf, start, length).trim();
  if (raw === '') return 0;
  if (!/^[0-7]+$/.test(raw)) throw new TarFormatError(`${where}: size field "${raw}" is not octal`);
  return parseInt(raw, 8);
}

/** The `path` record of a pax extended header, if any. */
function paxPath(body: Buffer): string | undefined {
  let rest = body.toString('utf8');
  while (rest.length > 0) {
    const space = rest.indexOf(' ');
    const length = Number(rest.slice(0, space));
    if (space <= 0 || !Number.isInteger(length) || length <= 0) return undefined;
    const record = rest.slice(space + 1, length - 1);
    rest = rest.slice(length);
    if (record.startsWith('path=')) return record.slice('path='.length);
  }
  return undefined;
}

/** Every regular file of the archive open in `file` (named `where` in errors), by name without `./`. */
export async function tarIndex(file: FileHandle, where: string): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const header = Buffer.alloc(Block);
  let offset = 0;
  let longName: string | undefined;
  for (;;) {
    const { bytesRead } = await file.read(header, 0, Block, offset);
    if (bytesRead < Block || header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12, `${where} at byte ${String(offset)}`);
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = text(header, 345, 155);
    const base = text(header, 0, 100);
    const content = offset + Block;
    if (type === 'x' || type === 'L') {
      const body = Buffer.alloc(size);
      await file.read(body, 0, size, content);
      longName = type === 'L' ? text(body, 0, size) : paxPath(body);
    } else {
      const name = (longName ?? (prefix === '' ? base : `${prefix}/${base}`)).replace(/^\.\//, '');
      longName = undefined;
      if (type === '0' || type === '\0') entries.set(name, { name, offset: content, size });
    }
    offset = content + Math.ceil(size / Block) * Block;
  }
  return entries;
}
