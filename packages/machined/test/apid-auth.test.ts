// apid's mutual TLS and authorization, against a fake machined: who gets in, with which roles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSelfSignedCa, encodeCertificateAndKey, issueCertificateAndKey, isApiError } from '@bronze/machinery';
import {
  apiCertificates,
  createPki,
  machineClient,
  md,
  startFakeMachined,
  startTestApid,
  type FakeMachined,
  type Pki,
} from './apid-fixtures.ts';
import { opensslKeyPem } from '../src/apid/api-tls.ts';

const ApiCertificates = 'ApiCertificates.secrets.talos.dev';

async function normalNode(
  t: Parameters<typeof startFakeMachined>[0],
): Promise<{ pki: Pki; machined: FakeMachined; port: number }> {
  const pki = await createPki();
  const machined = await startFakeMachined(t, 'node-a');
  machined.publish(ApiCertificates, await apiCertificates(pki, { client: true }));
  const { port } = await startTestApid(t, machined);
  return { pki, machined, port };
}

test('a client whose certificate another CA signed gets UNAVAILABLE', async (t) => {
  const { port, pki } = await normalNode(t);
  const other = await createSelfSignedCa({ commonName: 'other' });
  const stranger = encodeCertificateAndKey(
    await issueCertificateAndKey(other, { organizations: ['os:admin'], extKeyUsage: ['clientAuth'] }),
  );
  const { machine } = machineClient(t, port, { ca: pki.caPem, cert: stranger.crt, key: opensslKeyPem(stranger.key) });
  await assert.rejects(machine.version({}, { deadline: new Date(Date.now() + 3000) }), (err: unknown) =>
    isApiError(err, 'unavailable'),
  );
});

test('an expired client certificate is refused', async (t) => {
  const { port, pki } = await normalNode(t);
  const past = new Date(Date.now() - 48 * 3_600_000);
  const expired = await pki.issue({
    organizations: ['os:admin'],
    now: past,
    notAfter: new Date(Date.now() - 3_600_000),
  });
  const { machine } = machineClient(t, port, { ca: pki.caPem, cert: expired.crt, key: expired.key });
  await assert.rejects(machine.version({}, { deadline: new Date(Date.now() + 3000) }), (err: unknown) =>
    isApiError(err, 'unavailable'),
  );
});

test('a certificate without client-auth usage is refused', async (t) => {
  const { port, pki } = await normalNode(t);
  const server = await pki.issue({ organizations: ['os:admin'], usage: ['serverAuth', 'clientAuth'] });
  const { machine } = machineClient(t, port, { ca: pki.caPem, cert: server.crt, key: server.key });
  await assert.rejects(machine.version({}), (err: unknown) => isApiError(err, 'unauthenticated'));
});

test('a reader cannot reboot but can read, and machined hears the reader role', async (t) => {
  const { port, pki, machined } = await normalNode(t);
  const reader = await pki.issue({ organizations: ['os:reader'] });
  const { machine } = machineClient(t, port, { ca: pki.caPem, cert: reader.crt, key: reader.key });
  await assert.rejects(machine.reboot({}), (err: unknown) => {
    return isApiError(err, 'permission-denied') && err.message.includes('not authorized');
  });
  assert.equal(machined.calls.filter((c) => c.method === 'Reboot').length, 0, 'the denied call never reached machined');
  const reply = await machine.version({});
  assert.equal(reply.messages[0]?.version?.tag, 'v-test');
  const seen = machined.calls.at(-1);
  assert.ok(seen !== undefined);
  assert.deepEqual(machined.rolesOf(seen), ['os:reader']);
});

test('talos-role metadata is ignored unless the peer is an impersonator', async (t) => {
  const { port, pki, machined } = await normalNode(t);
  const reader = await pki.issue({ organizations: ['os:reader'] });
  const { machine } = machineClient(t, port, { ca: pki.caPem, cert: reader.crt, key: reader.key });
  const forged = md(['talos-role', 'os:admin']);
  await assert.rejects(machine.reboot({}, { metadata: forged }), (err: unknown) =>
    isApiError(err, 'permission-denied'),
  );
  await machine.version({}, { metadata: forged });
  const seen = machined.calls.at(-1);
  assert.ok(seen !== undefined);
  assert.deepEqual(machined.rolesOf(seen), ['os:reader'], 'the forged role was stripped');

  const impersonator = await pki.issue({ organizations: ['os:impersonator'] });
  const peer = machineClient(t, port, { ca: pki.caPem, cert: impersonator.crt, key: impersonator.key }).machine;
  await peer.reboot({}, { metadata: md(['talos-role', 'os:operator']) });
  const rebooted = machined.calls.at(-1);
  assert.ok(rebooted !== undefined);
  assert.equal(rebooted.method, 'Reboot');
  assert.deepEqual(machined.rolesOf(rebooted), ['os:operator']);
  await assert.rejects(peer.reboot({}), (err: unknown) => isApiError(err, 'permission-denied'));
});

test('apid waits for its certificates, then swaps renewed ones without dropping a stream', async (t) => {
  const pki = await createPki();
  const machined = await startFakeMachined(t, 'node-a');
  const started = startTestApid(t, machined);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(machined.calls.length, 0);
  machined.publish(ApiCertificates, await apiCertificates(pki, { client: false }));
  const { port, apid } = await started;
  assert.equal(apid.mode(), 'normal');

  const admin = await pki.issue({ organizations: ['os:admin'] });
  const { machine } = machineClient(t, port, { ca: pki.caPem, cert: admin.crt, key: admin.key });
  const lines: string[] = [];
  const stream = machine.logs({ id: 'kubelet', follow: true })[Symbol.asyncIterator]();
  const first = await stream.next();
  assert.equal(first.done, false);

  // Renewal: a new server certificate from the same CA; the open stream keeps flowing.
  machined.publish(ApiCertificates, await apiCertificates(pki, { client: false }));
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < 5; i++) {
    const next = await stream.next();
    assert.equal(next.done, false);
    lines.push(Buffer.from(next.value.bytes).toString());
  }
  await stream.return?.();
  assert.match(lines.at(-1) ?? '', /^kubelet line \d+/);
  // New connections see the new certificate and still work.
  const fresh = machineClient(t, port, { ca: pki.caPem, cert: admin.crt, key: admin.key }).machine;
  await fresh.version({});
});

test('maintenance mode: no client certificate, everyone reads, apply-config works, nothing forwards', async (t) => {
  const machined = await startFakeMachined(t, 'node-m');
  machined.publish('MachineStatuses.runtime.talos.dev', { stage: 'maintenance', status: { ready: false } });
  const { port, apid } = await startTestApid(t, machined);
  assert.equal(apid.mode(), 'maintenance');
  const { dial, createClient, machineApi } = await import('@bronze/machinery');
  const { ChannelCredentials } = await import('@grpc/grpc-js');
  const channel = dial(`127.0.0.1:${port}`, {
    credentials: ChannelCredentials.createSsl(null, null, null, {
      checkServerIdentity: () => undefined,
      rejectUnauthorized: false,
    }),
  });
  t.after(() => {
    channel.close();
  });
  const machine = createClient(machineApi.MachineService, channel);
  await machine.version({});
  const reply = await machine.applyConfiguration({ data: Buffer.from('version: v1alpha1\n') });
  assert.equal(reply.messages[0]?.modeDetails, 'got 18 bytes');
  assert.deepEqual(machined.rolesOf(machined.calls.at(-1) ?? { method: '', metadata: md() }), ['os:reader']);
  await assert.rejects(machine.reboot({}), (err: unknown) => isApiError(err, 'permission-denied'));
  await assert.rejects(machine.version({}, { metadata: md(['node', '127.0.0.9']) }), (err: unknown) => {
    return isApiError(err, 'permission-denied') && err.message.includes('no request forwarding');
  });
});

test('leaving maintenance mode restarts apid in normal mode on the same port', async (t) => {
  const pki = await createPki();
  const machined = await startFakeMachined(t, 'node-m');
  machined.publish('MachineStatuses.runtime.talos.dev', { stage: 'maintenance', status: { ready: false } });
  const { port, apid } = await startTestApid(t, machined);
  assert.equal(apid.mode(), 'maintenance');
  machined.publish('MachineStatuses.runtime.talos.dev', { stage: 'booting', status: { ready: false } });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(apid.mode(), 'waiting', 'out of maintenance without certificates, apid stops listening');
  machined.publish('MachineStatuses.runtime.talos.dev', { stage: 'maintenance', status: { ready: false } });
  await apid.serving('maintenance', AbortSignal.timeout(10_000));
  machined.publish(ApiCertificates, await apiCertificates(pki, { client: true }));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(apid.mode(), 'maintenance', 'certificates alone do not end maintenance');
  machined.publish('MachineStatuses.runtime.talos.dev', { stage: 'booting', status: { ready: false } });
  assert.equal(await apid.serving('normal', AbortSignal.timeout(10_000)), port);
  const reader = await pki.issue({ organizations: ['os:reader'] });
  const { machine } = machineClient(t, port, { ca: pki.caPem, cert: reader.crt, key: reader.key });
  await machine.version({});
  await assert.rejects(machine.applyConfiguration({ data: Buffer.from('x') }), (err: unknown) =>
    isApiError(err, 'permission-denied'),
  );
});
