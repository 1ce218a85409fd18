// machined as a real process on the process platform, called over its unix socket: reads.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { test } from 'node:test';
import 'reflect-metadata';
import { certificateInfo, cosiStateApi, isApiError, parseCertificatePem } from '@bronze/machinery';
import {
  collect,
  controlPlaneConfig,
  expectApiError,
  nextAddress,
  roleMetadata,
  soon,
  startNode,
  waitFor,
} from './machined-fixture.ts';

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

test('system rpcs read the host /proc; dmesg answers or says why it cannot', async (t) => {
  const node = await startNode(t);
  const deadline = { deadline: soon() };
  const processes = (await node.machine.processes({}, deadline)).messages[0]?.processes ?? [];
  const self = processes.find((p) => p.pid === node.child.pid);
  assert.ok(self !== undefined, 'machined is among the processes');
  assert.match(self.args, /machined/);
  const memory = (await node.machine.memory({}, deadline)).messages[0]?.meminfo;
  assert.ok((memory?.memtotal ?? 0n) > 0n);
  const load = (await node.machine.loadAvg({}, deadline)).messages[0];
  assert.ok((load?.load15 ?? -1) >= 0);
  const stat = (await node.machine.systemStat({}, deadline)).messages[0];
  assert.ok((stat?.bootTime ?? 0n) > 0n);
  assert.ok((stat?.cpu.length ?? 0) > 0);
  const cpus = (await node.machine.cPUInfo({}, deadline)).messages[0]?.cpuInfo ?? [];
  assert.ok(cpus.length > 0);
  const mounts = (await node.machine.mounts({}, deadline)).messages[0]?.stats ?? [];
  assert.ok(mounts.some((m) => m.mountedOn === '/'));
  const usage = await collect(node.machine.diskUsage({ paths: ['/system'], recursionDepth: 1 }, deadline));
  assert.equal(usage[0]?.name, '/system');
  const dmesg = await collect(node.machine.dmesg({}, deadline)).then(
    (chunks) => ({ ok: true as const, chunks }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  if (!dmesg.ok) {
    assert.ok(isApiError(dmesg.err, 'unimplemented'), String(dmesg.err));
    assert.match(dmesg.err.message, /kernel log/);
  }
});

test('a control plane lists services, serves logs and events, and answers COSI reads by role', async (t) => {
  const probe = nextAddress();
  const node = await startNode(t, { config: await controlPlaneConfig(probe) });
  // A fresh deadline per call: the waits below can outlast any single one.
  const deadline = (): { deadline: Date } => ({ deadline: soon() });

  const list = await waitFor(
    async () => {
      const reply = await node.machine.serviceList({}, deadline());
      const ids = reply.messages[0]?.services.map((s) => s.id) ?? [];
      assert.ok(ids.includes('trustd'), `services: ${ids.join(', ')}`);
      return reply;
    },
    { what: 'trustd in the service list', output: node.output },
  );
  const services = new Map(list.messages[0]?.services.map((s) => [s.id, s]));
  assert.equal(services.get('machined')?.state, 'Running');
  assert.equal(services.get('udevd')?.state, 'Skipped');

  await expectApiError(collect(node.machine.logs({ id: 'no-such-service', tailLines: -1 }, deadline())), 'not-found');

  // As on Talos, a control plane is ready only once etcd runs: until Bootstrap it waits (Preparing).
  await node.machine.bootstrap({}, { deadline: soon(20_000) });
  const status = await waitFor(
    async () => {
      const res = await node.state.get(
        { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' },
        deadline(),
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
    deadline(),
  );
  assert.match(version.resource?.spec?.yamlSpec ?? '', /version: v/);

  const configPointer = { namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' };
  await expectApiError(
    node.state.get(configPointer, { ...deadline(), metadata: roleMetadata('os:reader') }),
    'permission-denied',
  );
  const config = await node.state.get(configPointer, { ...deadline(), metadata: roleMetadata('os:admin') });
  assert.match(config.resource?.spec?.yamlSpec ?? '', /machine:/);
  await expectApiError(
    node.machine.reboot({}, { ...deadline(), metadata: roleMetadata('os:reader') }),
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
  const rds = await collect(node.state.list({ namespace: 'meta', type: 'rd' }, deadline()));
  const sensitive = rds.filter((r) => /sensitivity: sensitive/.test(r.resource?.spec?.yamlSpec ?? ''));
  assert.deepEqual(sensitive.map((r) => r.resource?.metadata?.id).sort(), [
    'apicertificates.secrets.talos.dev',
    'kubernetescerts.secrets.talos.dev',
    'kubernetesrootsecrets.secrets.talos.dev',
    'machineconfigs.config.talos.dev',
    'osrootsecrets.secrets.talos.dev',
  ]);
  await expectApiError(
    node.state.destroy({ namespace: 'runtime', type: 'Versions.runtime.talos.dev', id: 'version' }, deadline()),
    'permission-denied',
  );

  const generated = await node.machine.generateClientConfiguration(
    { roles: ['os:reader'], crtTtl: { seconds: 3600n, nanos: 0 } },
    deadline(),
  );
  const cert = certificateInfo(parseCertificatePem(Buffer.from(generated.messages[0]?.crt ?? []).toString()));
  assert.deepEqual(cert.organizations, ['os:reader']);
  assert.ok(cert.notAfter.getTime() - Date.now() <= 3600_000 + 60_000);
  assert.match(Buffer.from(generated.messages[0]?.talosconfig ?? []).toString(), /contexts:/);
  await expectApiError(
    node.machine.generateClientConfiguration({ roles: ['os:root'] }, deadline()),
    'invalid-argument',
  );
});
