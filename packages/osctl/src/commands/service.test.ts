import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timestampFromDate } from '@bronze/machinery';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

const at = (iso: string) => timestampFromDate(new Date(iso));

function services(node: string) {
  return [
    {
      id: 'apid',
      state: 'Running',
      health: { healthy: true, lastChange: at('2026-01-01T00:02:09Z'), lastMessage: '' },
      events: {
        events: [
          { msg: 'Starting service', state: 'Preparing', ts: at('2026-01-01T00:02:00Z') },
          { msg: 'Health check successful', state: 'Running', ts: at('2026-01-01T00:02:09Z') },
        ],
      },
    },
    { id: `etcd-${node}`, state: 'Waiting', health: { unknown: true }, events: { events: [] } },
  ];
}

async function fake(t: Parameters<typeof startFakeNode>[0]) {
  return startFakeNode(t, {
    machine: {
      serviceList: (_r, ctx) => {
        if (nodeOf(ctx) === 'down') throw new Error('no route to host');
        return { messages: [{ services: services(nodeOf(ctx)) }] };
      },
      serviceRestart: (r, ctx) => ({ messages: [{ resp: `Service "${r.id}" restarted on ${nodeOf(ctx)}` }] }),
    },
  });
}

test("services lists every node's services in talosctl's columns", async (t) => {
  const node = await fake(t);
  const run = await osctl(node, ['services', '-n', 'a,b']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    'NODE   SERVICE   STATE     HEALTH   LAST CHANGE   LAST EVENT\n' +
      'a      apid      Running   OK       7m51s ago     Health check successful\n' +
      'a      etcd-a    Waiting   ?\n' +
      'b      apid      Running   OK       7m51s ago     Health check successful\n' +
      'b      etcd-b    Waiting   ?\n',
  );
});

test('service ID shows its status with the newest event first; a failing node exits 1', async (t) => {
  const node = await fake(t);
  const run = await osctl(node, ['service', 'apid', '-n', 'a', '-n', 'down']);
  assert.equal(run.code, 1);
  assert.equal(
    run.stdout,
    'NODE     a\n' +
      'ID       apid\n' +
      'STATE    Running\n' +
      'HEALTH   OK\n' +
      'EVENTS   [Running]: Health check successful (7m51s ago)\n' +
      '         [Preparing]: Starting service (8m0s ago)\n',
  );
  assert.match(run.stderr, /^down: \/machine\.MachineService\/ServiceList: no route to host\n/);
});

test("service ID restart prints each node's response; unknown ids and actions fail", async (t) => {
  const node = await fake(t);
  const run = await osctl(node, ['service', 'kubelet', 'restart', '-n', 'a']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'NODE   RESPONSE\na      Service "kubelet" restarted on a\n');
  const unknown = await osctl(node, ['service', 'nope', '-n', 'a']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^a: service "nope" is not registered on the node/);
  const usage = await osctl(node, ['service', 'apid', 'explode']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown action "explode": use one of start, stop, restart, status/);
  const unimplemented = await osctl(node, ['service', 'apid', 'stop', '-n', 'a']);
  assert.equal(unimplemented.code, 1);
  assert.match(
    unimplemented.stderr,
    /^a: \/machine\.MachineService\/ServiceStop: this server does not implement ServiceStop\n/,
  );
});
