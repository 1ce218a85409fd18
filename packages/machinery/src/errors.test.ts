import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatErrorChain } from './errors.ts';

test('formatErrorChain joins causes outermost first', () => {
  const inner = new Error('open /x: no such file');
  const mid = new Error('failed to read machine config', { cause: inner });
  const outer = new Error('apply-config', { cause: mid });
  assert.equal(formatErrorChain(outer), 'apply-config: failed to read machine config: open /x: no such file');
});

test('formatErrorChain tolerates non-errors, cycles and empty aggregates', () => {
  assert.equal(formatErrorChain('boom'), 'boom');
  assert.equal(formatErrorChain(undefined), 'unknown error');
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  a.cause = b;
  assert.equal(formatErrorChain(b), 'b: a');
  assert.equal(formatErrorChain(new AggregateError([new Error('x'), new Error('y')], '')), 'x; y');
});

test('formatErrorChain prints a repeated message once', () => {
  const inner = new Error('connection refused');
  assert.equal(formatErrorChain(new Error('connection refused', { cause: inner })), 'connection refused');
});
