// machined as a real process on the process platform, called over its unix socket.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import 'reflect-metadata';
import { certificateInfo, cosiStateApi, isApiError, parseCertificatePem, type ApiError } from '@bronze/machinery';
import { controlPlaneConfig, nextAddress, roleMetadata, soon, startNode, waitFor } from './machined-fixture.ts';

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of stream) out.push(x);
  return out;
}

async function expectApiError(promise: Promise<unknown>, code: ApiError['code']): Promise<ApiError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isApiError(err), `want an ApiError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

test('a node in maintenance mode serves Version and Hostname on a 0600 socket', async (t) => {
  const node = await startNode(t);
  const info = await stat(node.socket);
  assert.equal(info.mode & 0o777, 0o600);
  const version = await node.machine.version({}, { deadline: soon() });
  const msg = version.messages[0];
  assert.ok(msg !== undefined);
  assert.equal(msg.platform?.name, 'process');
  assert.match(msg.version?.tag ?? '', /^v\d/);
  assert.notEqual(msg.metadata?.hostname ?? '', '');
  const hostname = await node.machine.hostname({}, { deadline: soon() });
  assert.equal(hostname.messages[0]?.hostname, msg.metadata?.hostname);
});

test('a control plane lists services, serves logs and events, and answers COSI reads by role', async (t) => {
  const probe = nextAddress();
  const node = await startNode(t, { config: await controlPlaneConfig(probe) });
  const deadline = { deadline: soon() };

  const list = await waitFor(
    async () => {
      const reply = await node.machine.serviceList({}, deadline);
      const ids = reply.messages[0]?.services.map((s) => s.id) ?? [];
      assert.ok(ids.includes('trustd'), `services: ${ids.join(', ')}`);
      return reply;
    },
    { what: 'trustd in the service list', output: node.output },
  );
  const services = new Map(list.messages[0]?.services.map((s) => [s.id, s]));
  assert.equal(services.get('machined')?.state, 'Running');
  assert.equal(services.get('udevd')?.state, 'Skipped');

  await expectApiError(collect(node.machine.logs({ id: 'no-such-service', tailLines: -1 }, deadline)), 'not-found');

  const status = await waitFor(
    async () => {
      const res = await node.state.get(
        { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' },
        deadline,
      );
      assert.match(res.resource?.spec?.yamlSpec ?? '', /stage: running/);
      assert.match(res.resource?.spec?.yamlSpec ?? '', /ready: true/);
      return res;
    },
    { what: 'MachineStatus running and ready (apid and trustd answering)', output: node.output, timeoutMs: 20_000 },
  );
  assert.equal(status.resource?.metadata?.type, 'MachineStatuses.runtime.talos.dev');
  const version = await node.state.get(
    { namespace: 'runtime', type: 'Versions.runtime.talos.dev', id: 'version' },
    deadline,
  );
  assert.match(version.resource?.spec?.yamlSpec ?? '', /version: v/);

  const configPointer = { namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' };
  await expectApiError(
    node.state.get(configPointer, { ...deadline, metadata: roleMetadata('os:reader') }),
    'permission-denied',
  );
  const config = await node.state.get(configPointer, { ...deadline, metadata: roleMetadata('os:admin') });
  assert.match(config.resource?.spec?.yamlSpec ?? '', /machine:/);
  await expectApiError(
    node.machine.reboot({}, { ...deadline, metadata: roleMetadata('os:reader') }),
    'permission-denied',
  );

  const events: string[] = [];
  const ac = new AbortController();
  for await (const e of node.machine.events({ tailEvents: 5 }, { signal: ac.signal })) {
    events.push(e.id);
    if (events.length === 5) break;
  }
  assert.equal(events.length, 5);
  const since = events[2] ?? '';
  const after: string[] = [];
  for await (const e of node.machine.events({ tailId: since }, {})) {
    after.push(e.id);
    if (after.length === 2) break;
  }
  assert.deepEqual(after, events.slice(3, 5));

  const watched: number[] = [];
  const wac = new AbortController();
  const watch = node.state.watch(
    { namespace: 'runtime', type: 'Versions.runtime.talos.dev', options: { bootstrapContents: true } },
    { signal: wac.signal },
  );
  for await (const msg of watch) {
    for (const e of msg.event) watched.push(e.eventType);
    if (watched.includes(cosiStateApi.EventType.BOOTSTRAPPED)) break;
  }
  assert.deepEqual(watched, [cosiStateApi.EventType.CREATED, cosiStateApi.EventType.BOOTSTRAPPED]);
  const rds = await collect(node.state.list({ namespace: 'meta', type: 'rd' }, deadline));
  const sensitive = rds.filter((r) => /sensitivity: sensitive/.test(r.resource?.spec?.yamlSpec ?? ''));
  assert.deepEqual(sensitive.map((r) => r.resource?.metadata?.id).sort(), [
    'apicertificates.secrets.talos.dev',
    'machineconfigs.config.talos.dev',
    'osrootsecrets.secrets.talos.dev',
  ]);
  await expectApiError(
    node.state.destroy({ namespace: 'runtime', type: 'Versions.runtime.talos.dev', id: 'version' }, deadline),
    'permission-denied',
  );

  const generated = await node.machine.generateClientConfiguration(
    { roles: ['os:reader'], crtTtl: { seconds: 3600n, nanos: 0 } },
    deadline,
  );
  const cert = certificateInfo(parseCertificatePem(Buffer.from(generated.messages[0]?.crt ?? []).toString()));
  assert.deepEqual(cert.organizations, ['os:reader']);
  assert.ok(cert.notAfter.getTime() - Date.now() <= 3600_000 + 60_000);
  assert.match(Buffer.from(generated.messages[0]?.talosconfig ?? []).toString(), /contexts:/);
  await expectApiError(node.machine.generateClientConfiguration({ roles: ['os:root'] }, deadline), 'invalid-argument');
});

test('file RPCs stay inside the node; reboot brings a new boot id; SIGTERM leaves no process', async (t) => {
  const node = await startNode(t);
  const deadline = { deadline: soon() };
  const bootIdFile = '/proc/sys/kernel/random/boot_id';
  const readText = async (path: string): Promise<string> =>
    (await collect(node.machine.read({ path }, deadline))).map((d) => Buffer.from(d.bytes).toString()).join('');
  const first = (await readText(bootIdFile)).trim();
  assert.match(first, /^[0-9a-f-]{36}$/);

  const listed = await collect(node.machine.list({ root: '/system', recurse: true }, deadline));
  assert.ok(
    listed.some((f) => f.name === '/system/run/machined/machine.sock'),
    listed.map((f) => f.name).join(' '),
  );
  await expectApiError(collect(node.machine.read({ path: '/../../../etc/passwd' }, deadline)), 'not-found');
  await expectApiError(collect(node.machine.read({ path: '/no/such/file' }, deadline)), 'not-found');

  const archive = Buffer.concat(
    (await collect(node.machine.copy({ rootPath: '/proc' }, deadline))).map((d) => d.bytes),
  );
  const tar = gunzipSync(archive);
  assert.ok(tar.includes(Buffer.from(`proc/sys/kernel/random/boot_id`)));
  assert.ok(tar.includes(Buffer.from(first)));

  const reply = await node.machine.reboot({}, deadline);
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
  await waitFor(async () => node.machine.version({}, deadline), { what: 'version after reboot' });

  const children = descendants(node.child.pid ?? 0);
  node.child.kill('SIGTERM');
  const [code] = (await once(node.child, 'exit')) as [number | null];
  assert.equal(code, 0, node.output());
  await assert.rejects(stat(node.socket), /ENOENT/);
  for (const pid of children) assert.equal(alive(pid), false, `process ${String(pid)} outlived machined`);
});

function descendants(pid: number): number[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  const byParent = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    if (p === undefined || pp === undefined) continue;
    byParent.set(pp, [...(byParent.get(pp) ?? []), p]);
  }
  const found: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    for (const c of byParent.get(stack.pop() ?? 0) ?? []) {
      found.push(c);
      stack.push(c);
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('an invalid config is refused loudly; the node stays in maintenance until a config is applied', async (t) => {
  const node = await startNode(t, { config: 'version: v1alpha1\nmachine:\n  type: banana\n' });
  const deadline = { deadline: soon() };
  const machineStatus = { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' };
  await waitFor(
    async () => {
      const res = await node.state.get(machineStatus, deadline);
      assert.match(res.resource?.spec?.yamlSpec ?? '', /stage: maintenance/);
    },
    { what: 'maintenance mode', output: node.output },
  );
  assert.match(node.output(), /config is refused/);
  assert.match(node.output(), /banana/);
  const services = (await node.machine.serviceList({}, deadline)).messages[0]?.services.map((s) => s.id) ?? [];
  assert.ok(!services.includes('trustd'), services.join(','));
  await expectApiError(
    node.machine.applyConfiguration({ data: new TextEncoder().encode('machine: [') }, deadline),
    'invalid-argument',
  );

  const config = await controlPlaneConfig(node.address);
  const applied = await node.machine.applyConfiguration(
    { data: new TextEncoder().encode(config) },
    { ...deadline, metadata: roleMetadata('os:reader') },
  );
  assert.ok(applied.messages[0] !== undefined);
  const persisted = await stat(join(node.dir, 'system/state/config.yaml'));
  assert.equal(persisted.mode & 0o777, 0o600);
  await waitFor(
    async () => {
      const res = await node.state.get(machineStatus, deadline);
      assert.match(res.resource?.spec?.yamlSpec ?? '', /stage: running/);
    },
    { what: 'running after apply', output: node.output },
  );
  await expectApiError(
    node.machine.applyConfiguration({ data: new TextEncoder().encode(config) }, deadline),
    'failed-precondition',
  );
});

test('logs follow sees new lines; a restarted service runs again', async (t) => {
  const node = await startNode(t);
  const deadline = { deadline: soon() };
  await waitFor(
    async () => {
      const s = (await node.machine.serviceList({}, deadline)).messages[0]?.services.find((x) => x.id === 'apid');
      assert.equal(s?.state, 'Running');
    },
    { what: 'apid running', output: node.output },
  );
  const tail = await collect(node.machine.logs({ id: 'machined', tailLines: 3 }, deadline));
  const tailText = tail.map((d) => Buffer.from(d.bytes).toString()).join('');
  assert.equal(tailText.trimEnd().split('\n').length, 3, tailText);

  const ac = new AbortController();
  t.after(() => {
    ac.abort();
  });
  const stream = node.machine.logs({ id: 'machined', follow: true, tailLines: 0 }, { signal: ac.signal });
  const follow = stream[Symbol.asyncIterator]();
  const first = follow.next();
  const restarted = await node.machine.serviceRestart({ id: 'apid' }, deadline);
  assert.match(restarted.messages[0]?.resp ?? '', /restarted/);
  const line = await first;
  assert.ok(line.done !== true);
  assert.match(Buffer.from(line.value.bytes).toString(), /apid|service/);
  ac.abort();
  await waitFor(
    async () => {
      const s = (await node.machine.serviceList({}, deadline)).messages[0]?.services.find((x) => x.id === 'apid');
      assert.equal(s?.state, 'Running');
    },
    { what: 'apid running again', output: node.output },
  );
  await expectApiError(node.machine.serviceRestart({ id: 'nope' }, deadline), 'not-found');
});

test('reset wipes what it is asked to and reboots; reset without reboot ends the node', async (t) => {
  const node = await startNode(t);
  const deadline = { deadline: soon() };
  await writeFile(join(node.dir, 'var/marker'), 'ephemeral');
  await writeFile(join(node.dir, 'system/state/marker'), 'state');
  await expectApiError(
    node.machine.reset({ reboot: true, systemPartitionsToWipe: [{ label: 'BOOT', wipe: true }] }, deadline),
    'invalid-argument',
  );
  const reset = await node.machine.reset(
    { reboot: true, systemPartitionsToWipe: [{ label: 'EPHEMERAL', wipe: true }] },
    deadline,
  );
  assert.notEqual(reset.messages[0]?.actorId ?? '', '');
  await waitFor(() => assertMissing(join(node.dir, 'var/marker')), { what: 'var/ wiped', output: node.output });
  assert.equal(await readFile(join(node.dir, 'system/state/marker'), 'utf8'), 'state');
  await waitFor(async () => node.machine.version({}, deadline), { what: 'version after reset' });

  const exited = once(node.child, 'exit');
  await waitFor(async () => node.machine.reset({ reboot: false }, deadline), { what: 'a second reset accepted' });
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0, node.output());
  await assertMissing(join(node.dir, 'system/state/marker'));
});

async function assertMissing(path: string): Promise<void> {
  await assert.rejects(stat(path), /ENOENT/);
}
