// Two real nodes: a worker gets apid's server certificate from the control plane's trustd.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import 'reflect-metadata';
import { certificateInfo, parseCertificatePem } from '@bronze/machinery';
import { parse } from 'yaml';
import { clusterConfigs, nextAddress, roleMetadata, soon, startNode, waitFor } from './machined-fixture.ts';

interface ApiCertificatesYaml {
  acceptedCAs: { crt: string }[];
  server: { crt: string; key: string };
  client?: { crt: string; key: string };
}

test('a worker gets its apid certificate from trustd on the control plane, with no client cert', async (t) => {
  const cpAddress = nextAddress();
  const configs = await clusterConfigs(cpAddress);
  await startNode(t, { config: configs.controlplane, address: cpAddress });
  const worker = await startNode(t, { config: configs.worker });
  const pointer = { namespace: 'secrets', type: 'ApiCertificates.secrets.talos.dev', id: 'api' };
  const spec = await waitFor(
    async () => {
      const res = await worker.state.get(pointer, { deadline: soon(), metadata: roleMetadata('os:admin') });
      return parse(res.resource?.spec?.yamlSpec ?? '') as ApiCertificatesYaml;
    },
    { what: "the worker's ApiCertificates", timeoutMs: 30_000, output: worker.output },
  );
  const server = certificateInfo(parseCertificatePem(spec.server.crt));
  const ca = certificateInfo(parseCertificatePem(spec.acceptedCAs[0]?.crt ?? ''));
  assert.equal(server.issuer, ca.subject);
  assert.ok(server.ipAddresses.includes(worker.address), server.ipAddresses.join(','));
  assert.equal(spec.client, undefined);
  const types = await worker.state.get(
    { namespace: 'config', type: 'MachineTypes.config.talos.dev', id: 'machine-type' },
    { deadline: soon() },
  );
  assert.match(types.resource?.spec?.yamlSpec ?? '', /worker/);
});
