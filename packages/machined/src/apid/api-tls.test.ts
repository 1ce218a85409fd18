import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSelfSignedCa, encodeCertificateAndKey, issueCertificateAndKey } from '@bronze/machinery';
import { apiTlsOf, maintenanceTls } from './api-tls.ts';

async function pair(): Promise<{ ca: string; crt: string; key: string }> {
  const ca = await createSelfSignedCa({ commonName: 'talos' });
  const leaf = encodeCertificateAndKey(await issueCertificateAndKey(ca, { extKeyUsage: ['serverAuth'] }));
  return { ca: ca.certificate.pem, ...leaf };
}

test('a spec without CAs or a server pair gives no material', async () => {
  const { ca, crt, key } = await pair();
  for (const spec of [
    undefined,
    null,
    'text',
    {},
    { acceptedCAs: [], server: { crt, key } },
    { acceptedCAs: [{ crt: ca }] },
    { acceptedCAs: [{ crt: ca }], server: { crt, key: '' } },
    { acceptedCAs: [{ crt: 'not pem' }], server: { crt, key } },
  ]) {
    assert.equal(apiTlsOf(spec), undefined, JSON.stringify(spec));
  }
});

test('PEM or base64 of PEM; Talos key labels become PKCS#8; no client pair means no forwarding', async () => {
  const { ca, crt, key } = await pair();
  assert.match(key, /BEGIN ED25519 PRIVATE KEY/);
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const tls = apiTlsOf({ acceptedCAs: [{ crt: b64(ca) }, { crt: ca }], server: { crt: b64(crt), key: b64(key) } });
  assert.ok(tls !== undefined);
  assert.equal(tls.client, undefined);
  assert.equal(tls.server.cert, crt);
  assert.match(String(tls.server.key), /^-----BEGIN PRIVATE KEY-----/);
  assert.equal(String(tls.server.ca).match(/BEGIN CERTIFICATE/g)?.length, 2);
  const withClient = apiTlsOf({ acceptedCAs: [{ crt: ca }], server: { crt, key }, client: { crt, key } });
  assert.equal(withClient?.client?.cert, crt);
});

test('maintenance mode makes a self-signed server certificate for the address', async () => {
  const tls = await maintenanceTls('127.0.0.5');
  assert.equal(tls.client, undefined);
  const { X509Certificate } = await import('node:crypto');
  const cert = new X509Certificate(String(tls.server.cert));
  assert.ok(cert.checkIP('127.0.0.5') !== undefined);
});
