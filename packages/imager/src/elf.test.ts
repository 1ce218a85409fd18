import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { isImageError } from './image-error.ts';
import { isElf, parseElf } from './elf.ts';

const libdl = '/lib/x86_64-linux-gnu/libdl.so.2';

test('parseElf refuses what is not a 64-bit little-endian ELF file, naming it', () => {
  assert.throws(
    () => parseElf(Buffer.from('#!/bin/sh\necho hi\n'.padEnd(80)), '/usr/bin/x'),
    (err: unknown) => isImageError(err) && err.code === 'bad-elf' && err.message.startsWith('/usr/bin/x: not an ELF'),
  );
  const elf32 = Buffer.alloc(64);
  elf32.set([0x7f, 0x45, 0x4c, 0x46, 1, 1]);
  assert.throws(() => parseElf(elf32, 'f'), /only 64-bit little-endian/);
  const truncated = Buffer.alloc(64);
  truncated.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
  truncated.writeBigUInt64LE(1000n, 0x20);
  truncated.writeUInt16LE(56, 0x36);
  truncated.writeUInt16LE(3, 0x38);
  assert.throws(() => parseElf(truncated, 'f'), /program headers run past the end/);
});

test('parseElf reads the loader and the needed libraries of a real executable', () => {
  const info = parseElf(readFileSync(process.execPath), process.execPath);
  assert.equal(info.interpreter, '/lib64/ld-linux-x86-64.so.2');
  assert.ok(info.needed.includes('libc.so.6'), info.needed.join(','));
  assert.ok(info.needed.includes('libstdc++.so.6'), info.needed.join(','));
});

test('parseElf reads the soname of a shared library', () => {
  const info = parseElf(readFileSync(libdl), libdl);
  assert.equal(info.soname, 'libdl.so.2');
  assert.equal(info.interpreter, undefined);
  assert.deepEqual(info.needed, ['libc.so.6']);
});

test('isElf looks at the magic number only', () => {
  assert.equal(isElf(Buffer.from([0x7f, 0x45, 0x4c, 0x46])), true);
  assert.equal(isElf(Buffer.from('#!/u')), false);
  assert.equal(isElf(Buffer.from([0x7f])), false);
});

test('parseElf never fails with anything but a bad-elf error on corrupted input', () => {
  const base = readFileSync(libdl).subarray(0, 16384);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }),
      fc.nat({ max: base.length }),
      (edits, cut) => {
        const buf = Buffer.from(base.subarray(0, Math.max(cut, 64)));
        for (const [at, v] of edits) if (at < buf.length) buf[at] = v;
        try {
          parseElf(buf, 'fuzz');
        } catch (err) {
          if (!isImageError(err) || err.code !== 'bad-elf') throw err;
        }
      },
    ),
    { numRuns: 2000 },
  );
});
