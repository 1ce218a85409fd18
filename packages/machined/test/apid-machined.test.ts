// apid in front of a real machined process: the certificates come from machined's ApiCertificates,
// the roles apid passes are what machined authorizes with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cosiStateApi,
  createClient,
  currentContext,
  dial,
  encodeCertificateAndKey,
  generateConfigs,
  isApiError,
  issueCertificateAndKey,
  machineApi,
  mutualTlsChannelCredentials,
  parseCertificateAndKey,
  parseClientConfig,
  type TlsMaterial,
} from '@bronze/machinery';
import { nullLogger } from '@bronze/runtime';
import { startApid } from '../src/apid/run-apid.ts';
import { opensslKeyPem } from '../src/apid/api-tls.ts';
import { nextAddress, startNode } from './machined-fixture.ts';

test('apid serves a real machined with the certificates machined publishes', async (t) => {
  const address = nextAddress();
  const generated = await generateConfigs({ clusterName: 'apid-test', endpoint: `https://${address}:6443` });
  const node = await startNode(t, { config: generated.controlplane });
  const controller = new AbortController();
  const apid = startApid({
    stateDir: node.dir,
    socketPath: node.socket,
    address: node.address,
    port: 0,
    signal: controller.signal,
    logger: nullLogger,
  });
  t.after(async () => {
    controller.abort();
    await apid.stop();
  });
  const port = await apid.serving('normal', AbortSignal.timeout(20_000));

  const { context } = currentContext(parseClientConfig(generated.talosconfig));
  const b64 = (v: string | undefined): string => Buffer.from(v ?? '', 'base64').toString();
  const admin: TlsMaterial = {
    ca: b64(context.ca),
    cert: b64(context.crt),
    key: opensslKeyPem(b64(context.key)),
  };
  const os = parseCertificateAndKey(generated.secrets.certs.os.crt, generated.secrets.certs.os.key, 'os');
  const readerPair = encodeCertificateAndKey(
    await issueCertificateAndKey(os, { organizations: ['os:reader'], extKeyUsage: ['clientAuth'] }),
  );
  const reader: TlsMaterial = { ca: admin.ca, cert: readerPair.crt, key: opensslKeyPem(readerPair.key) };

  const connect = (identity: TlsMaterial) => {
    const channel = dial(`${node.address}:${port}`, { credentials: mutualTlsChannelCredentials(identity) });
    t.after(() => {
      channel.close();
    });
    return {
      machine: createClient(machineApi.MachineService, channel),
      state: createClient(cosiStateApi.State, channel),
    };
  };
  const asAdmin = connect(admin);
  const version = await asAdmin.machine.version({});
  assert.ok((version.messages[0]?.version?.tag ?? '') !== '');
  const status = await asAdmin.state.get({
    namespace: 'runtime',
    type: 'MachineStatuses.runtime.talos.dev',
    id: 'machine',
  });
  assert.match(status.resource?.spec?.yamlSpec ?? '', /stage:/);

  const asReader = connect(reader);
  await asReader.machine.version({});
  await assert.rejects(asReader.machine.reboot({}), (err: unknown) => isApiError(err, 'permission-denied'));
  await assert.rejects(
    asReader.state.get({ namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' }),
    (err: unknown) => isApiError(err, 'permission-denied'),
  );
});
