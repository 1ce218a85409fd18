import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryState } from './memory-state.ts';
import { stateConformance } from './state-conformance.ts';

stateConformance('MemoryState', (_t, options) => Promise.resolve(new MemoryState(options)));

test('MemoryState refuses a history size that is not a positive integer', () => {
  assert.throws(() => new MemoryState({ historySize: 0 }), /history capacity 0 must be a positive integer/);
});
