import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDuration } from './duration.ts';

test('parseDuration reads Go-style durations and refuses anything else', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1.5s'), 1500);
  for (const bad of ['', '10', 's', '5 m', '-1s', '1d', '1m-5s']) assert.equal(parseDuration(bad), undefined, bad);
});

test('parseDuration of a rendered duration gives it back', () => {
  fc.assert(
    fc.property(fc.nat(99), fc.nat(59), fc.nat(59), fc.nat(999), (h, m, s, ms) => {
      assert.equal(parseDuration(`${h}h${m}m${s}s${ms}ms`), ((h * 60 + m) * 60 + s) * 1000 + ms);
    }),
  );
});
