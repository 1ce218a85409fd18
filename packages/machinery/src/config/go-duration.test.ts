import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoDuration } from './go-duration.ts';

test('Go durations in milliseconds; anything else is undefined', () => {
  assert.equal(parseGoDuration('30s'), 30_000);
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('8760h0m0s'), 8760 * 3_600_000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('0'), 0);
  for (const bad of ['', '10', 's', '1d', '5m junk', '-1s', ' 1s']) assert.equal(parseGoDuration(bad), undefined, bad);
});
