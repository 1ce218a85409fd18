import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryState } from './memory-state.ts';
import { newResource } from './resource.ts';
import { stateConformance } from './state-conformance.ts';

stateConformance('MemoryState', (_t, options) => Promise.resolve(new MemoryState(options)));

test('MemoryState refuses a history size that is not a positive integer', () => {
  assert.throws(() => new MemoryState({ historySize: 0 }), /history capacity 0 must be a positive integer/);
});

test('MemoryState keeps a history of the size given for each kind', async () => {
  const s = new MemoryState({ historySize: (k) => (k.namespace === 'small' ? 2 : 100) });
  const type = 'Things.test.bronze.dev';
  for (const namespace of ['small', 'big']) {
    for (const id of ['a', 'b', 'c', 'd']) await s.create(newResource({ namespace, type, id }, {}));
  }
  const small = s.watchKind({ namespace: 'small', type }, { sinceRevision: 1 });
  const big = s.watchKind({ namespace: 'big', type }, { sinceRevision: 1 });
  const [a, b] = [await small.next(), await big.next()];
  assert.ok(a.done !== true && a.value.type === 'errored');
  assert.ok(b.done !== true && b.value.type === 'created');
  big.close();
});
