import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EtcdError, etcdErrorStatus, isEtcdError } from './etcd-error.ts';

test('only etcd errors match, by name and code', () => {
  assert.equal(isEtcdError(new Error('x')), false);
  assert.equal(isEtcdError({ name: 'EtcdError', code: 'no-ca' }), false);
  const err = new EtcdError('data-exists', 'etcd data directory /var/lib/etcd is not empty');
  assert.equal(isEtcdError(err), true);
  assert.equal(isEtcdError(err, 'data-exists'), true);
  assert.equal(isEtcdError(err, 'no-ca'), false);
});

test('bootstrap refusals map to the statuses talos answers with', () => {
  assert.equal(etcdErrorStatus(new EtcdError('data-exists', '')), 'already-exists');
  assert.equal(etcdErrorStatus(new EtcdError('already-bootstrapped', '')), 'already-exists');
  assert.equal(etcdErrorStatus(new EtcdError('no-ca', '')), 'invalid-argument');
  assert.equal(etcdErrorStatus(new EtcdError('member', '')), 'failed-precondition');
});
