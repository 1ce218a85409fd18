import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { isServiceNotFoundError } from '../src/services/service.ts';
import { Supervisor } from '../src/services/supervisor.ts';
import { eventually, nodeProgram } from './helpers.ts';

// Prints "line N" every 5 ms.
const chatty = `let n = 0; setInterval(() => console.log('line ' + n++), 5);`;

test('logs of an unknown service are refused', (t) => {
  const sup = new Supervisor();
  t.after(() => sup.close());
  assert.throws(() => sup.logs('ghost'), isServiceNotFoundError);
});

test('tail and follow a running service; a follower that goes away leaves nothing', async (t) => {
  const sup = new Supervisor();
  t.after(() => sup.close());
  sup.register({ id: 'chatty', runner: nodeProgram(chatty) });
  sup.start('chatty');
  const ring = sup.logs('chatty');
  await eventually(() => (ring.stats().lines >= 20 ? true : undefined));
  const tail = ring.tail(5);
  assert.equal(tail.length, 5);
  const n0 = Number(tail[0]!.split(' ')[1]);
  assert.deepEqual(
    tail,
    [0, 1, 2, 3, 4].map((i) => `line ${n0 + i}`),
  );

  const ac = new AbortController();
  const seen: string[] = [];
  const reader = (async () => {
    for await (const line of ring.follow({ signal: ac.signal, tailLines: 2 })) seen.push(line);
  })();
  await eventually(() => (seen.length >= 30 ? true : undefined));
  const nums = seen.map((l) => Number(l.split(' ')[1]));
  assert.deepEqual(
    nums,
    nums.map((_, i) => nums[0]! + i),
    'consecutive lines, none lost or repeated',
  );
  ac.abort();
  await reader;
  assert.equal(ring.stats().waiting, 0);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('a hundred followers that vanish at once leave no waiter and no listener', async (t) => {
  const sup = new Supervisor();
  t.after(() => sup.close());
  sup.register({ id: 'chatty', runner: nodeProgram(chatty) });
  sup.start('chatty');
  const ring = sup.logs('chatty');
  const acs = Array.from({ length: 100 }, () => new AbortController());
  const readers = acs.map(async (ac) => {
    let n = 0;
    for await (const _ of ring.follow({ signal: ac.signal, tailLines: 0 })) n++;
    return n;
  });
  await eventually(() => (ring.stats().waiting === 100 ? true : undefined));
  for (const ac of acs) ac.abort();
  const counts = await Promise.all(readers);
  assert.ok(counts.every((n) => n >= 0));
  assert.equal(ring.stats().waiting, 0);
  for (const ac of acs) assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('a follower of a service that stops keeps following its restarts; closing the supervisor ends it', async (t) => {
  const sup = new Supervisor();
  t.after(() => sup.close());
  sup.register({ id: 'once', restart: 'never', runner: nodeProgram(`console.log('hello')`) });
  const lines: string[] = [];
  const reader = (async () => {
    for await (const l of sup.logs('once').follow({ signal: new AbortController().signal })) lines.push(l);
  })();
  sup.start('once');
  await sup.waitFor('once', ['Finished'], { signal: AbortSignal.timeout(5000) });
  sup.start('once');
  await eventually(() => (lines.length === 2 ? true : undefined));
  await sup.close();
  await reader;
  assert.deepEqual(lines, ['hello', 'hello']);
});
