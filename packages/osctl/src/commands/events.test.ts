import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anyPack, createMessage, machineApi } from '@bronze/machinery';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

test('events prints a row per event with its decoded summary, and stops on Ctrl-C', async (t) => {
  const seen: unknown[] = [];
  const node = await startFakeNode(t, {
    machine: {
      async *events(req, ctx) {
        seen.push({ tail: req.tailEvents, since: req.tailId, seconds: req.tailSeconds });
        const n = nodeOf(ctx);
        yield {
          id: `01${n}A`,
          data: anyPack(
            machineApi.SequenceEventSchema,
            createMessage(machineApi.SequenceEventSchema, { sequence: 'boot', action: 1 }),
          ),
        };
        yield {
          id: `01${n}B`,
          data: anyPack(
            machineApi.ServiceStateEventSchema,
            createMessage(machineApi.ServiceStateEventSchema, {
              service: 'apid',
              action: 3,
              message: 'Health check successful',
            }),
          ),
        };
        await new Promise((resolve) => {
          ctx.signal.addEventListener('abort', resolve, { once: true });
        });
      },
    },
  });
  const controller = new AbortController();
  const running = osctl(node, ['events', '--tail', '5', '--since', '01X', '--duration', '1m30s', '-n', 'a'], {
    signal: controller.signal,
  });
  setTimeout(() => {
    controller.abort();
  }, 300);
  const run = await running;
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    'NODE   TYPE                         ID                           EVENT\n' +
      'a      machine.SequenceEvent        01aA                         boot: START\n' +
      'a      machine.ServiceStateEvent    01aB                         apid: RUNNING: Health check successful\n',
  );
  assert.deepEqual(seen, [{ tail: 5, since: '01X', seconds: 90 }]);
  const usage = await osctl(node, ['events', '--duration', 'soon']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--duration "soon": give a duration such as 30s/);
});
