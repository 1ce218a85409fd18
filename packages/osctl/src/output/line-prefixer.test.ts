import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LinePrefixer } from './line-prefixer.ts';

test('lines print whole with their node however the bytes are cut, interleaved between nodes', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.string({ unit: fc.constantFrom('x', 'y', '\n', 'é') })), {
        maxLength: 30,
      }),
      (pushes) => {
        let out = '';
        const p = new LinePrefixer((s) => (out += s));
        // each node's bytes are cut at arbitrary places, even inside a character
        for (const [node, text] of pushes) {
          const bytes = Buffer.from(text);
          const cut = Math.floor(bytes.length / 2);
          p.push(node, bytes.subarray(0, cut));
          p.push(node, bytes.subarray(cut));
        }
        p.flush();
        for (const node of ['a', 'b']) {
          const sent = pushes
            .filter(([n]) => n === node)
            .map(([, t]) => t)
            .join('');
          const expected = sent === '' ? [] : sent.replace(/\n$/, '').split('\n');
          const got = out
            .split('\n')
            .filter((l) => l.startsWith(`${node}: `))
            .map((l) => l.slice(node.length + 2));
          assert.deepEqual(got, expected);
        }
      },
    ),
  );
});
