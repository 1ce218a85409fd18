import { ImageError } from './image-error.ts';

/** What the loader needs to know about an ELF file: its interpreter and the libraries it names. */
export interface ElfInfo {
  /** PT_INTERP: the dynamic loader's path, absent for static executables and libraries. */
  interpreter?: string;
  /** DT_NEEDED entries in file order. */
  needed: string[];
  /** DT_SONAME, for shared libraries. */
  soname?: string;
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_SONAME = 14n;

interface Segment {
  type: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
}

/** Whether the bytes start with the ELF magic number. */
export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

function bad(what: string, message: string): ImageError {
  return new ImageError('bad-elf', `${what}: ${message}`);
}

function num(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(what, `offset ${String(v)} is out of range`);
  return Number(v);
}

function segments(buf: Buffer, what: string): Segment[] {
  const phoff = num(buf.readBigUInt64LE(0x20), what);
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  if (phentsize < 56 && phnum > 0) throw bad(what, `program header size ${String(phentsize)} is too small`);
  if (phoff + phnum * phentsize > buf.length) throw bad(what, 'program headers run past the end of the file');
  const out: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    out.push({
      type: buf.readUInt32LE(at),
      offset: num(buf.readBigUInt64LE(at + 8), what),
      vaddr: buf.readBigUInt64LE(at + 16),
      filesz: num(buf.readBigUInt64LE(at + 32), what),
    });
  }
  return out;
}

function slice(buf: Buffer, seg: Segment, what: string): Buffer {
  if (seg.offset + seg.filesz > buf.length) throw bad(what, 'a segment runs past the end of the file');
  return buf.subarray(seg.offset, seg.offset + seg.filesz);
}

function cString(buf: Buffer, at: number, what: string): string {
  if (at >= buf.length) throw bad(what, `string at ${String(at)} is past the end of the file`);
  const end = buf.indexOf(0, at);
  if (end < 0) throw bad(what, `string at ${String(at)} is not terminated`);
  return buf.toString('latin1', at, end);
}

/** Maps a virtual address to a file offset through the PT_LOAD segments. */
function fileOffset(loads: readonly Segment[], vaddr: bigint, what: string): number {
  for (const s of loads) {
    if (vaddr >= s.vaddr && vaddr < s.vaddr + BigInt(s.filesz)) return s.offset + num(vaddr - s.vaddr, what);
  }
  throw bad(what, `address 0x${vaddr.toString(16)} is in no loaded segment`);
}

/**
 * Reads PT_INTERP and the DT_NEEDED/DT_SONAME entries of a 64-bit little-endian ELF file (x86-64,
 * arm64). Anything malformed is an ImageError with code `bad-elf` naming `what` (the file).
 */
export function parseElf(buf: Buffer, what = 'file'): ElfInfo {
  if (buf.length < 64 || !isElf(buf)) throw bad(what, 'not an ELF file');
  if (buf[4] !== 2 || buf[5] !== 1) throw bad(what, 'only 64-bit little-endian ELF files are supported');
  const segs = segments(buf, what);
  const info: ElfInfo = { needed: [] };
  const interp = segs.find((s) => s.type === PT_INTERP);
  if (interp !== undefined) info.interpreter = cString(slice(buf, interp, what), 0, what);
  const dyn = segs.find((s) => s.type === PT_DYNAMIC);
  if (dyn === undefined) return info;
  const table = slice(buf, dyn, what);
  const entries: [bigint, bigint][] = [];
  for (let at = 0; at + 16 <= table.length; at += 16) {
    const tag = table.readBigInt64LE(at);
    if (tag === DT_NULL) break;
    entries.push([tag, table.readBigUInt64LE(at + 8)]);
  }
  const strtab = entries.find(([t]) => t === DT_STRTAB)?.[1];
  const names = entries.filter(([t]) => t === DT_NEEDED || t === DT_SONAME);
  if (names.length === 0) return info;
  if (strtab === undefined) throw bad(what, 'dynamic section names libraries but has no string table');
  const base = fileOffset(
    segs.filter((s) => s.type === PT_LOAD),
    strtab,
    what,
  );
  for (const [tag, off] of names) {
    const name = cString(buf, base + num(off, what), what);
    if (tag === DT_NEEDED) info.needed.push(name);
    else info.soname = name;
  }
  return info;
}
