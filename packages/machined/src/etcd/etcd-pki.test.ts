import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  certificateInfo,
  createSelfSignedCa,
  encodeCertificateAndKey,
  parseCertificatePem,
  verifyCertificate,
} from '@bronze/machinery';
import { isEtcdError } from './etcd-error.ts';
import { issueEtcdPki, writeEtcdPki } from './etcd-pki.ts';

const ca = encodeCertificateAndKey(await createSelfSignedCa({ algorithm: 'ecdsa-p256', organizations: ['etcd'] }));

test('a CA whose key does not match its certificate is refused with the config path', async () => {
  const other = encodeCertificateAndKey(await createSelfSignedCa({ algorithm: 'ecdsa-p256' }));
  await assert.rejects(
    issueEtcdPki({ crt: ca.crt, key: other.key }, { hostname: 'cp-1', addresses: ['10.0.0.1'] }),
    (err) => isEtcdError(err, 'no-ca') && err.message.includes('cluster.etcd.ca'),
  );
  await assert.rejects(
    issueEtcdPki({ crt: 'garbage', key: '' }, { hostname: 'cp-1', addresses: ['10.0.0.1'] }),
    (err) => isEtcdError(err, 'no-ca'),
  );
});

test('peer and server certificates name the node; the admin certificate is a client only', async () => {
  const pki = await issueEtcdPki(ca, { hostname: 'cp-1', addresses: ['10.0.0.1', 'fd00::1'] });
  const root = parseCertificatePem(pki.ca);
  for (const pair of [pki.peer, pki.server]) {
    const cert = parseCertificatePem(pair.crt);
    const info = certificateInfo(cert);
    assert.equal(info.commonName, 'cp-1');
    assert.deepEqual(info.dnsNames, ['cp-1', 'localhost']);
    assert.deepEqual(info.ipAddresses.sort(), ['10.0.0.1', '127.0.0.1', '::1', 'fd00::1'].sort());
    assert.deepEqual(info.extKeyUsage.sort(), ['clientAuth', 'serverAuth']);
    verifyCertificate(cert, { roots: [root] });
  }
  const admin = certificateInfo(parseCertificatePem(pki.admin.crt));
  assert.deepEqual(admin.extKeyUsage, ['clientAuth']);
  assert.deepEqual(admin.ipAddresses, []);
  assert.match(pki.peer.key, /BEGIN EC PRIVATE KEY/);
});

test('the PKI is written with mode 0600 in a 0700 directory', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-etcd-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const pkiDir = join(dir, 'system/secrets/etcd');
  const pki = await issueEtcdPki(ca, { hostname: 'cp-1', addresses: ['10.0.0.1'] });
  await writeEtcdPki(pkiDir, pki);
  await writeEtcdPki(pkiDir, pki); // a restart replaces them
  const files = (await readdir(pkiDir)).sort();
  assert.deepEqual(files, ['admin.crt', 'admin.key', 'ca.crt', 'peer.crt', 'peer.key', 'server.crt', 'server.key']);
  for (const f of files) assert.equal((await stat(join(pkiDir, f))).mode & 0o777, 0o600, f);
  assert.equal((await stat(pkiDir)).mode & 0o777, 0o700);
});
