// machined as a real process: files, reboot, reset, SIGTERM, maintenance and services.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  alive,
  assertMissing,
  collect,
  controlPlaneConfig,
  descendants,
  expectApiError,
  roleMetadata,
  soon,
  startNode,
  waitFor,
} from './machined-fixture.ts';

test('file RPCs stay inside the node; reboot brings a new boot id; SIGTERM leaves no process', async (t) => {
  const node = await startNode(t);
  const deadline = (): { deadline: Date } => ({ deadline: soon() });
  const bootIdFile = '/proc/sys/kernel/random/boot_id';
  const readText = async (path: string): Promise<string> =>
    (await collect(node.machine.read({ path }, deadline()))).map((d) => Buffer.from(d.bytes).toString()).join('');
  const first = (await readText(bootIdFile)).trim();
  assert.match(first, /^[0-9a-f-]{36}$/);

  const listed = await collect(node.machine.list({ root: '/system', recurse: true }, deadline()));
  assert.ok(
    listed.some((f) => f.name === '/system/run/machined/machine.sock'),
    listed.map((f) => f.name).join(' '),
  );
  await expectApiError(collect(node.machine.read({ path: '/../../../etc/passwd' }, deadline())), 'not-found');
  await expectApiError(collect(node.machine.read({ path: '/no/such/file' }, deadline())), 'not-found');

  const archive = Buffer.concat(
    (await collect(node.machine.copy({ rootPath: '/proc' }, deadline()))).map((d) => d.bytes),
  );
  const tar = gunzipSync(archive);
  assert.ok(tar.includes(Buffer.from(`proc/sys/kernel/random/boot_id`)));
  assert.ok(tar.includes(Buffer.from(first)));

  const reply = await node.machine.reboot({}, deadline());
  assert.notEqual(reply.messages[0]?.actorId ?? '', '');
  const second = await waitFor(
    async () => {
      const id = (await readText(bootIdFile)).trim();
      assert.notEqual(id, first);
      return id;
    },
    { what: 'a new boot id', output: node.output },
  );
  assert.match(second, /^[0-9a-f-]{36}$/);
  await waitFor(async () => node.machine.version({}, deadline()), { what: 'version after reboot' });

  const children = descendants(node.child.pid ?? 0);
  node.child.kill('SIGTERM');
  const [code] = (await once(node.child, 'exit')) as [number | null];
  assert.equal(code, 0, node.output());
  await assert.rejects(stat(node.socket), /ENOENT/);
  for (const pid of children) assert.equal(alive(pid), false, `process ${String(pid)} outlived machined`);
});

test('an invalid config is refused loudly; the node stays in maintenance until a config is applied', async (t) => {
  const node = await startNode(t, { config: 'version: v1alpha1\nmachine:\n  type: banana\n' });
  const deadline = (): { deadline: Date } => ({ deadline: soon() });
  const machineStatus = { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' };
  await waitFor(
    async () => {
      const res = await node.state.get(machineStatus, deadline());
      assert.match(res.resource?.spec?.yamlSpec ?? '', /stage: maintenance/);
    },
    { what: 'maintenance mode', output: node.output },
  );
  assert.match(node.output(), /config is refused/);
  assert.match(node.output(), /banana/);
  const services = (await node.machine.serviceList({}, deadline())).messages[0]?.services.map((s) => s.id) ?? [];
  assert.ok(!services.includes('trustd'), services.join(','));
  await expectApiError(
    node.machine.applyConfiguration({ data: new TextEncoder().encode('machine: [') }, deadline()),
    'invalid-argument',
  );

  const config = await controlPlaneConfig(node.address);
  const applied = await node.machine.applyConfiguration(
    { data: new TextEncoder().encode(config) },
    { ...deadline(), metadata: roleMetadata('os:reader') },
  );
  assert.ok(applied.messages[0] !== undefined);
  const persisted = await stat(join(node.dir, 'system/state/config.yaml'));
  assert.equal(persisted.mode & 0o777, 0o600);
  await waitFor(
    async () => {
      const res = await node.state.get(machineStatus, deadline());
      assert.match(res.resource?.spec?.yamlSpec ?? '', /stage: running/);
    },
    { what: 'running after apply', output: node.output },
  );
  // Mode REBOOT (0, the default) is deprecated outside maintenance, as in Talos.
  await expectApiError(
    node.machine.applyConfiguration({ data: new TextEncoder().encode(config) }, deadline()),
    'invalid-argument',
  );
});

test('logs follow sees new lines; a restarted service runs again', async (t) => {
  const node = await startNode(t);
  const deadline = (): { deadline: Date } => ({ deadline: soon() });
  await waitFor(
    async () => {
      const s = (await node.machine.serviceList({}, deadline())).messages[0]?.services.find((x) => x.id === 'apid');
      assert.equal(s?.state, 'Running');
    },
    { what: 'apid running', output: node.output },
  );
  const tail = await collect(node.machine.logs({ id: 'machined', tailLines: 3 }, deadline()));
  const tailText = tail.map((d) => Buffer.from(d.bytes).toString()).join('');
  assert.equal(tailText.trimEnd().split('\n').length, 3, tailText);

  const ac = new AbortController();
  t.after(() => {
    ac.abort();
  });
  const stream = node.machine.logs({ id: 'machined', follow: true, tailLines: 0 }, { signal: ac.signal });
  const follow = stream[Symbol.asyncIterator]();
  const first = follow.next();
  const restarted = await node.machine.serviceRestart({ id: 'apid' }, deadline());
  assert.match(restarted.messages[0]?.resp ?? '', /restarted/);
  const line = await first;
  assert.ok(line.done !== true);
  assert.match(Buffer.from(line.value.bytes).toString(), /apid|service/);
  ac.abort();
  await waitFor(
    async () => {
      const s = (await node.machine.serviceList({}, deadline())).messages[0]?.services.find((x) => x.id === 'apid');
      assert.equal(s?.state, 'Running');
    },
    { what: 'apid running again', output: node.output },
  );
  await expectApiError(node.machine.serviceRestart({ id: 'nope' }, deadline()), 'not-found');
});

test('reset wipes what it is asked to and reboots; reset without reboot ends the node', async (t) => {
  const node = await startNode(t);
  const deadline = (): { deadline: Date } => ({ deadline: soon() });
  await writeFile(join(node.dir, 'var/marker'), 'ephemeral');
  await writeFile(join(node.dir, 'system/state/marker'), 'state');
  await expectApiError(
    node.machine.reset({ reboot: true, systemPartitionsToWipe: [{ label: 'BOOT', wipe: true }] }, deadline()),
    'invalid-argument',
  );
  const reset = await node.machine.reset(
    { reboot: true, systemPartitionsToWipe: [{ label: 'EPHEMERAL', wipe: true }] },
    deadline(),
  );
  assert.notEqual(reset.messages[0]?.actorId ?? '', '');
  await waitFor(() => assertMissing(join(node.dir, 'var/marker')), { what: 'var/ wiped', output: node.output });
  assert.equal(await readFile(join(node.dir, 'system/state/marker'), 'utf8'), 'state');
  await waitFor(async () => node.machine.version({}, deadline()), { what: 'version after reset' });

  const exited = once(node.child, 'exit');
  await waitFor(async () => node.machine.reset({ reboot: false }, deadline()), { what: 'a second reset accepted' });
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0, node.output());
  await assertMissing(join(node.dir, 'system/state/marker'));
});
