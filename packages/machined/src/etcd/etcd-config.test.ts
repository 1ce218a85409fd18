import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSelfSignedCa, encodeCertificateAndKey, pemToBase64 } from '@bronze/machinery';
import { etcdCaFromConfig, etcdExtraArgs } from './etcd-config.ts';
import { isEtcdError } from './etcd-error.ts';
import { issueEtcdPki } from './etcd-pki.ts';

test('a config without an etcd CA, or with a broken one, is refused naming the field', () => {
  for (const cluster of [undefined, {}, { etcd: {} }, { etcd: { ca: { crt: '', key: '' } } }]) {
    assert.throws(
      () => etcdCaFromConfig(cluster),
      (err) => isEtcdError(err, 'no-ca') && err.message.includes('cluster.etcd.ca'),
    );
  }
  assert.throws(
    () => etcdCaFromConfig({ etcd: { ca: { crt: 'not base64!', key: 'x' } } }),
    (err) =>
      isEtcdError(err, 'no-ca') && err.cause instanceof Error && err.cause.message.includes('cluster.etcd.ca.crt'),
  );
});

test('the etcd CA of a config issues the node certificates; extra args become flags', async () => {
  const ca = encodeCertificateAndKey(await createSelfSignedCa({ algorithm: 'ecdsa-p256', organizations: ['etcd'] }));
  const pair = etcdCaFromConfig({ etcd: { ca: { crt: pemToBase64(ca.crt), key: pemToBase64(ca.key) } } });
  assert.equal(pair.crt.trim(), ca.crt.trim());
  const pki = await issueEtcdPki(pair, { hostname: 'cp-1', addresses: ['10.0.0.1'] });
  assert.match(pki.server.crt, /BEGIN CERTIFICATE/);
  assert.deepEqual(
    etcdExtraArgs({ etcd: { extraArgs: { 'election-timeout': '5000', 'cipher-suites': ['a', 'b'] } } }),
    {
      'election-timeout': '5000',
      'cipher-suites': 'a,b',
    },
  );
  assert.deepEqual(etcdExtraArgs(undefined), {});
});
