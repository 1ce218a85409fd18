// A minimal ustar writer for Copy: directories, regular files and symbolic links, with PAX headers
// for names longer than ustar allows. The output is a sequence of buffers to gzip.
const Block = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(fields: {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  type: string;
  link?: string;
}): Buffer {
  const h = Buffer.alloc(Block);
  h.write(fields.name, 0, 100, 'utf8');
  h.write(octal(fields.mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(fields.size, 12), 124, 'ascii');
  h.write(octal(Math.floor(fields.mtime), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(fields.type, 156, 'ascii');
  if (fields.link !== undefined) h.write(fields.link, 157, 100, 'utf8');
  h.write('ustar\x0000', 257, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7), 148, 'ascii');
  h[155] = 0x20;
  return h;
}

function pad(size: number): Buffer {
  const rest = size % Block;
  return Buffer.alloc(rest === 0 ? 0 : Block - rest);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (`${String(len)}${body}`.length !== len) len = `${String(len)}${body}`.length;
  return `${String(len)}${body}`;
}

export interface TarEntry {
  name: string;
  mode: number;
  mtime: number;
  type: 'file' | 'dir' | 'symlink';
  data?: Buffer;
  link?: string;
}

/** The blocks of one entry: a PAX header first when the name or link does not fit ustar. */
export function tarEntry(entry: TarEntry): Buffer[] {
  const out: Buffer[] = [];
  const name = entry.type === 'dir' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
  const long = Buffer.byteLength(name) > 100 || Buffer.byteLength(entry.link ?? '') > 100;
  if (long) {
    const pax = Buffer.from(
      paxRecord('path', name) + (entry.link === undefined ? '' : paxRecord('linkpath', entry.link)),
    );
    out.push(
      header({ name: 'PaxHeader', mode: 0o644, size: pax.length, mtime: entry.mtime, type: 'x' }),
      pax,
      pad(pax.length),
    );
  }
  const size = entry.type === 'file' ? (entry.data?.length ?? 0) : 0;
  const type = entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2';
  out.push(
    header({
      name: name.slice(0, 100),
      mode: entry.mode,
      size,
      mtime: entry.mtime,
      type,
      ...(entry.link === undefined ? {} : { link: entry.link.slice(0, 100) }),
    }),
  );
  if (entry.type === 'file' && entry.data !== undefined) out.push(entry.data, pad(entry.data.length));
  return out;
}

/** The end of an archive: two zero blocks. */
export function tarEnd(): Buffer {
  return Buffer.alloc(Block * 2);
}
