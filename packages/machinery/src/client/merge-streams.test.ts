import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { nodeTargets } from './fan-out.ts';
import { mergeNodeStreams } from './merge-streams.ts';

test('a fast node is paused at the high-water mark while the consumer is slow', async () => {
  const pulled = new Map<string, number>();
  let finished = 0;
  async function* endless(node: string): AsyncGenerator<{ n: number }> {
    try {
      for (let n = 0; ; n++) {
        pulled.set(node, n + 1);
        yield { n };
        await Promise.resolve();
      }
    } finally {
      finished++;
    }
  }
  const merged = mergeNodeStreams(nodeTargets(['a', 'b'], 'self'), (_o, node) => endless(node), { highWater: 4 });
  const first = await merged.next();
  assert.equal(first.done, false);
  await sleep(50);
  for (const node of ['a', 'b']) assert.ok((pulled.get(node) ?? 0) <= 6, `${node} pulled ${String(pulled.get(node))}`);
  await merged.return(undefined);
  assert.equal(finished, 2, 'leaving the merge ends every stream');
});

test('items keep their order per node, and a node that fails reports once', async () => {
  async function* source(node: string): AsyncGenerator<number> {
    for (let n = 0; n < 100; n++) {
      if (node === 'bad' && n === 3) throw new Error('boom');
      yield n;
      if (n % 7 === 0) await sleep(0);
    }
  }
  const seen = new Map<string, number[]>();
  const errors: string[] = [];
  for await (const item of mergeNodeStreams(nodeTargets(['a', 'bad', 'b'], 'self'), (_o, node) => source(node), {
    highWater: 3,
  })) {
    if (item.ok) seen.set(item.node, [...(seen.get(item.node) ?? []), item.value]);
    else errors.push(`${item.node}: ${item.error.message}`);
  }
  const all = Array.from({ length: 100 }, (_, n) => n);
  assert.deepEqual(seen.get('a'), all);
  assert.deepEqual(seen.get('b'), all);
  assert.deepEqual(seen.get('bad'), [0, 1, 2]);
  assert.deepEqual(errors, ['bad: boom']);
});
