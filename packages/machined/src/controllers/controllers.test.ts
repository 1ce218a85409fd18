// The node's controllers over in-memory state: OS facts come from plain values, never the host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import 'reflect-metadata';
import { certificateInfo, generateConfigs, parseCertificatePem, parseCsrPem } from '@bronze/machinery';
import { startHarness, type Harness, type Resource, type ResourceType, type State } from '@bronze/runtime';
import { MachineConfig, MachineConfigId, MachineType, MachineTypeId } from '../resources/config-resources.ts';
import { HostnameStatus, HostnameStatusId, NodeAddress, NodeAddressIds } from '../resources/network-resources.ts';
import { MachineStatus, MachineStatusId, Service, type MachineStage } from '../resources/runtime-resources.ts';
import { ApiCertificates, ApiCertificatesId, OSRootSecrets, OSRootSecretsId } from '../resources/secrets-resources.ts';
import { apiCertificatesController, type CertificateRequester } from './api-certificates-controller.ts';
import { hostnameController } from './hostname-controller.ts';
import { machineStatusController } from './machine-status-controller.ts';
import { machineTypeController } from './machine-type-controller.ts';
import { nodeAddressController } from './node-address-controller.ts';
import { ObservedValue } from './observed.ts';
import { osRootSecretsController } from './os-root-secrets-controller.ts';
import { serviceController, type ServiceStatus } from './service-controller.ts';

const configs = await generateConfigs({ clusterName: 'unit', endpoint: 'https://10.5.0.2:6443' });

function read<S>(state: State, type: ResourceType<S>, id: string): Promise<Resource<S>> {
  return state.get<S>(type.pointer(id));
}

async function putConfig(state: State, text: string): Promise<void> {
  await state.create(MachineConfig.make(MachineConfigId, text));
}

function configControllers(
  requestCertificate: CertificateRequester,
  extra: { now?: () => number; lifetimeMs?: number } = {},
) {
  return [
    machineTypeController(),
    hostnameController({ defaultHostname: () => 'node-10-5-0-3' }),
    nodeAddressController({ address: () => '10.5.0.3' }),
    osRootSecretsController(),
    apiCertificatesController({
      requestCertificate,
      trustdHost: () => '10.5.0.2',
      retry: { initialMs: 5, maxMs: 20 },
      ...extra,
    }),
  ];
}

const refuse: CertificateRequester = () => Promise.reject(new Error('trustd must not be called on a control plane'));

function stopWith(t: { after: (fn: () => Promise<void>) => void }, h: Harness): Harness {
  t.after(() => h.stop());
  return h;
}

test('without a config the hostname is the platform default and no certificates are issued', async (t) => {
  const h = stopWith(t, startHarness({ controllers: configControllers(refuse) }));
  const host = await h.eventually(() => read(h.state, HostnameStatus, HostnameStatusId));
  assert.deepEqual(host.spec, { hostname: 'node-10-5-0-3', domainname: '' });
  const addr = await h.eventually(() => read(h.state, NodeAddress, NodeAddressIds.default));
  assert.deepEqual(addr.spec, { addresses: ['10.5.0.3/32'] });
  await assert.rejects(read(h.state, ApiCertificates, ApiCertificatesId), { name: 'NotFoundError' });
  await assert.rejects(read(h.state, MachineType, MachineTypeId), { name: 'NotFoundError' });
});

test('a control plane issues apid server and impersonator client certificates from the OS CA', async (t) => {
  const h = stopWith(t, startHarness({ controllers: configControllers(refuse) }));
  await putConfig(h.state, configs.controlplane);
  const type = await h.eventually(() => read(h.state, MachineType, MachineTypeId));
  assert.deepEqual(type.spec, { machineType: 'controlplane' });
  const root = await h.eventually(() => read(h.state, OSRootSecrets, OSRootSecretsId));
  assert.match(root.spec.issuingCA.key, /PRIVATE KEY/);
  assert.notEqual(root.spec.token, '');
  const api = await h.eventually(() => read(h.state, ApiCertificates, ApiCertificatesId));
  const server = certificateInfo(parseCertificatePem(api.spec.server.crt));
  assert.ok(server.ipAddresses.includes('10.5.0.3'), server.ipAddresses.join(','));
  assert.ok(server.ipAddresses.includes('127.0.0.1'));
  assert.ok(server.dnsNames.includes('node-10-5-0-3'));
  assert.deepEqual(server.extKeyUsage, ['serverAuth']);
  assert.ok(server.notAfter.getTime() - server.notBefore.getTime() <= 24 * 3600_000 + 10 * 60_000);
  assert.ok(api.spec.client !== undefined);
  const client = certificateInfo(parseCertificatePem(api.spec.client.crt));
  assert.deepEqual(client.organizations, ['os:impersonator']);
  assert.deepEqual(client.extKeyUsage, ['clientAuth']);
  assert.equal(api.spec.acceptedCAs[0]?.crt, root.spec.issuingCA.crt);
});

test('certificates are re-issued at half-life', async (t) => {
  const h = stopWith(t, startHarness({ controllers: configControllers(refuse, { lifetimeMs: 400 }) }));
  await putConfig(h.state, configs.controlplane);
  const first = await h.eventually(() => read(h.state, ApiCertificates, ApiCertificatesId));
  const second = await h.eventually(
    async () => {
      const res = await read(h.state, ApiCertificates, ApiCertificatesId);
      assert.notEqual(res.spec.server.crt, first.spec.server.crt);
      return res;
    },
    { timeoutMs: 3000 },
  );
  assert.ok(second.metadata.version > first.metadata.version);
});

test('a worker asks trustd with its token, retries while trustd is down, and has no client cert', async (t) => {
  const calls: { host: string; token: string; csr: string }[] = [];
  const cp = startHarness({ controllers: configControllers(refuse) });
  t.after(() => cp.stop());
  await putConfig(cp.state, configs.controlplane);
  const cpCerts = await cp.eventually(() => read(cp.state, ApiCertificates, ApiCertificatesId));
  const crtPem = cpCerts.spec.server.crt;
  const requester: CertificateRequester = (req) => {
    calls.push({ host: req.host, token: req.token, csr: req.csrPem });
    if (calls.length < 3) return Promise.reject(new Error('connect ECONNREFUSED 10.5.0.2:50001'));
    return Promise.resolve({ caPem: req.caPem, crtPem });
  };
  const h = stopWith(t, startHarness({ controllers: configControllers(requester) }));
  await putConfig(h.state, configs.worker);
  const api = await h.eventually(() => read(h.state, ApiCertificates, ApiCertificatesId));
  assert.equal(calls.length, 3);
  assert.equal(calls[0]?.host, '10.5.0.2');
  const root = await read(h.state, OSRootSecrets, OSRootSecretsId);
  assert.equal(calls.at(0)?.token, root.spec.token);
  assert.equal(root.spec.issuingCA.key, '');
  const csr = await parseCsrPem(calls[2]?.csr ?? '');
  assert.ok(csr.ipAddresses.includes('10.5.0.3'));
  assert.equal(api.spec.server.crt, crtPem);
  assert.equal(api.spec.client, undefined);
});

test('MachineStatus is ready only when running with no service failing its health check', async (t) => {
  const stage = new ObservedValue<MachineStage>('booting');
  const services = new ObservedValue<readonly ServiceStatus[]>([
    { id: 'apid', state: 'Running', healthy: false, unknown: false },
    { id: 'udevd', state: 'Skipped', healthy: false, unknown: true },
  ]);
  const h = stopWith(t, startHarness({ controllers: [serviceController(services), machineStatusController(stage)] }));
  const booting = await h.eventually(async () => {
    const res = await read(h.state, MachineStatus, MachineStatusId);
    assert.equal(res.spec.stage, 'booting');
    return res;
  });
  assert.equal(booting.spec.status.ready, false);
  await assert.rejects(read(h.state, Service, 'udevd'), { name: 'NotFoundError' });
  stage.set('running');
  const unready = await h.eventually(async () => {
    const res = await read(h.state, MachineStatus, MachineStatusId);
    assert.equal(res.spec.stage, 'running');
    return res;
  });
  assert.deepEqual(
    unready.spec.status.unmetConditions.map((c) => c.name),
    ['services'],
  );
  assert.match(unready.spec.status.unmetConditions[0]?.reason ?? '', /apid/);
  services.set([{ id: 'apid', state: 'Running', healthy: true, unknown: false }]);
  await h.eventually(async () => {
    const res = await read(h.state, MachineStatus, MachineStatusId);
    assert.equal(res.spec.status.ready, true);
    assert.deepEqual(res.spec.status.unmetConditions, []);
  });
  const apid = await read(h.state, Service, 'apid');
  assert.deepEqual(apid.spec, { running: true, healthy: true, unknown: false });
});
