import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter } from './line-splitter.ts';

function split(chunks: (Buffer | string)[], maxLength?: number): string[] {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l), maxLength === undefined ? {} : { maxLength });
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

test('a last line without newline is kept; \\r\\n is one line end; empty lines stay', () => {
  assert.deepEqual(split(['a\r\nb\n\nc']), ['a', 'b', '', 'c']);
  assert.deepEqual(split(['']), []);
});

test('a multi-byte character split across chunks is decoded whole', () => {
  const bytes = Buffer.from('é✓\n');
  assert.deepEqual(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)]), ['é✓']);
});

test('a line that never ends is emitted in bounded pieces', () => {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l), { maxLength: 4 });
  s.push('0123456789');
  assert.deepEqual(out, ['0123', '4567']);
  s.end();
  assert.deepEqual(out, ['0123', '4567', '89']);
});

test('any chunking of the same bytes gives the same lines', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      (lines, cuts) => {
        const text = lines.map((l) => l.replaceAll('\n', ' ').replaceAll('\r', ' ')).join('\n');
        const bytes = Buffer.from(text);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let at = 0;
        for (const p of points) {
          chunks.push(bytes.subarray(at, p));
          at = p;
        }
        chunks.push(bytes.subarray(at));
        assert.deepEqual(split(chunks, 1 << 20), split([bytes], 1 << 20));
      },
    ),
  );
});
