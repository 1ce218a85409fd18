import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { goDuration, humanBytes, parseGoDuration } from './units.ts';

test("sizes print as Go's humanize does", () => {
  assert.deepEqual(
    [0, 9, 10, 999, 1000, 1234, 82_000_000, 1_234_567_890].map((n) => humanBytes(n)),
    ['0 B', '9 B', '10 B', '999 B', '1.0 kB', '1.2 kB', '82 MB', '1.2 GB'],
  );
  assert.equal(humanBytes(4096n), '4.1 kB');
});

test("durations print in Go's style and read back to the same second", () => {
  assert.deepEqual([0, 999, 45_000, 471_000, 7_205_000].map(goDuration), ['0s', '1s', '45s', '7m51s', '2h0m5s']);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 ** 9 }), (ms) => {
      const text = goDuration(ms);
      assert.equal(parseGoDuration(text), Math.round(ms / 1000) * 1000);
    }),
  );
});

test('malformed durations are refused, never half read', () => {
  for (const bad of ['', '5', 'm', '5x', '1h 2m', '-1s', '5m3']) assert.equal(parseGoDuration(bad), undefined, bad);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('250ms'), 250);
  assert.equal(parseGoDuration('1.5s'), 1500);
});
