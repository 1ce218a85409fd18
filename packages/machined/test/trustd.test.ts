// trustd against a fake machined that publishes OSRootSecrets: token checks, CSR checks, and what the
// signed certificate may and may not say.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ChannelCredentials } from '@grpc/grpc-js';
import {
  certificateInfo,
  createClient,
  createCsr,
  dial,
  encodeCertificateAndKey,
  generateConfigs,
  generatePrivateKey,
  isApiError,
  parseCertificateBundlePem,
  parseCertificatePem,
  securityApi,
  verifyCertificate,
  type ClientOf,
} from '@bronze/machinery';
import { nullLogger } from '@bronze/runtime';
import { startTrustd } from '../src/trustd/run-trustd.ts';
import { createPki, md, startFakeMachined, type Pki } from './apid-fixtures.ts';

const Token = 'abcdef.0123456789abcdef';

async function setup(t: TestContext): Promise<{ pki: Pki; security: ClientOf<typeof securityApi.SecurityService> }> {
  const pki = await createPki();
  const machined = await startFakeMachined(t, 'cp-1');
  machined.publish('OSRootSecrets.secrets.talos.dev', {
    issuingCA: { crt: pki.caPem, key: encodeCertificateAndKey(pki.ca).key },
    acceptedCAs: [{ crt: pki.caPem }],
    certSANIPs: ['127.0.0.1'],
    certSANDNSNames: ['cp-1'],
    token: Token,
  });
  const controller = new AbortController();
  const trustd = startTrustd({
    stateDir: machined.dir,
    socketPath: machined.socketPath,
    address: '127.0.0.1',
    port: 0,
    signal: controller.signal,
    logger: nullLogger,
  });
  t.after(async () => {
    controller.abort();
    await trustd.stop();
  });
  const port = await trustd.serving(AbortSignal.timeout(10_000));
  // The client trusts only the OS CA: trustd's own certificate must chain to it.
  const channel = dial(`127.0.0.1:${port}`, { credentials: ChannelCredentials.createSsl(Buffer.from(pki.caPem)) });
  t.after(() => {
    channel.close();
  });
  return { pki, security: createClient(securityApi.SecurityService, channel) };
}

async function csr(organizations: string[] = []): Promise<Uint8Array> {
  const key = await generatePrivateKey('ed25519');
  return Buffer.from(await createCsr(key, { commonName: 'worker-1', organizations, ipAddresses: ['127.0.0.9'] }));
}

test('a missing or wrong token is PERMISSION_DENIED', async (t) => {
  const { security } = await setup(t);
  const request = { csr: await csr() };
  for (const metadata of [
    md(),
    md(['token', 'wrong.token']),
    md(['token', Token], ['token', Token]),
    md(['token', `${Token} `]),
  ]) {
    await assert.rejects(security.certificate(request, { metadata }), (err: unknown) =>
      isApiError(err, 'permission-denied'),
    );
  }
});

test('a host that keeps guessing the token is refused for a while, even with the right one', async (t) => {
  const { security } = await setup(t);
  const request = { csr: await csr() };
  for (let i = 0; i < 5; i++) {
    await assert.rejects(
      security.certificate(request, { metadata: md(['token', `guess-${String(i)}`]) }),
      (err: unknown) => isApiError(err, 'permission-denied'),
    );
  }
  await assert.rejects(
    security.certificate(request, { metadata: md(['token', Token]) }),
    (err: unknown) =>
      isApiError(err, 'resource-exhausted') &&
      /too many certificate requests with a wrong token .*retry in \d+s/.test(err.message),
  );
});

test('a garbage csr is INVALID_ARGUMENT', async (t) => {
  const { security } = await setup(t);
  for (const bad of [
    Buffer.from('not a csr'),
    Buffer.alloc(0),
    Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'),
  ]) {
    await assert.rejects(security.certificate({ csr: bad }, { metadata: md(['token', Token]) }), (err: unknown) =>
      isApiError(err, 'invalid-argument'),
    );
  }
});

test('the signed certificate is for server auth only and carries no roles', async (t) => {
  const { pki, security } = await setup(t);
  const reply = await security.certificate({ csr: await csr(['os:admin']) }, { metadata: md(['token', Token]) });
  const cas = parseCertificateBundlePem(Buffer.from(reply.ca).toString());
  assert.equal(cas.length, 1);
  assert.equal(cas[0]?.pem.trim(), pki.caPem.trim());
  const crt = parseCertificatePem(Buffer.from(reply.crt).toString());
  verifyCertificate(crt, { roots: [pki.ca.certificate], usage: 'serverAuth' });
  const info = certificateInfo(crt);
  assert.deepEqual(info.organizations, []);
  assert.deepEqual(crt.native.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.ok(crt.native.subjectAltName?.includes('127.0.0.9'));
  assert.ok(crt.native.validToDate.getTime() - Date.now() <= 24 * 3_600_000 + 60_000);
});

test('before machined publishes OSRootSecrets, trustd signs with the CA of the config in STATE', async (t) => {
  const generated = await generateConfigs({ clusterName: 'trustd-test', endpoint: 'https://127.0.0.1:6443' });
  const machined = await startFakeMachined(t, 'cp-2');
  const statePath = join(machined.dir, 'system', 'state', 'config.yaml');
  mkdirSync(dirname(statePath), { recursive: true });
  writeFileSync(statePath, generated.controlplane, { mode: 0o600 });
  const controller = new AbortController();
  const trustd = startTrustd({
    stateDir: machined.dir,
    socketPath: machined.socketPath,
    address: '127.0.0.1',
    port: 0,
    signal: controller.signal,
    logger: nullLogger,
  });
  t.after(async () => {
    controller.abort();
    await trustd.stop();
  });
  const port = await trustd.serving(AbortSignal.timeout(10_000));
  const channel = dial(`127.0.0.1:${port}`, {
    credentials: ChannelCredentials.createSsl(Buffer.from(generated.secrets.certs.os.crt)),
  });
  t.after(() => {
    channel.close();
  });
  const security = createClient(securityApi.SecurityService, channel);
  const token = generated.secrets.trustdInfo.token;
  await assert.rejects(security.certificate({ csr: await csr() }, { metadata: md(['token', Token]) }), (err: unknown) =>
    isApiError(err, 'permission-denied'),
  );
  const reply = await security.certificate({ csr: await csr() }, { metadata: md(['token', token]) });
  const os = parseCertificatePem(generated.secrets.certs.os.crt);
  verifyCertificate(parseCertificatePem(Buffer.from(reply.crt).toString()), { roots: [os], usage: 'serverAuth' });
});
