import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { EtcdMemberSchema } from '../api/gen/machine/machine_pb.ts';
import { memberProblems } from './etcd-checks.ts';
import { hostOf } from './health-client.ts';

const m = (host: string, learner = false) =>
  create(EtcdMemberSchema, {
    id: 1n,
    hostname: `n-${host}`,
    peerUrls: [`https://${host.includes(':') ? `[${host}]` : host}:2380`],
    isLearner: learner,
  });

test('a learner, a missing control plane and an extra member are each named', () => {
  assert.deepEqual(
    memberProblems([m('10.5.0.2'), m('10.5.0.3', true), m('10.5.0.9')], ['10.5.0.2', '10.5.0.3', '10.5.0.4']),
    [
      'member n-10.5.0.3 (10.5.0.3) is still a learner',
      'member n-10.5.0.9 (https://10.5.0.9:2380) is not a control-plane node',
      'control plane 10.5.0.4 is not an etcd member',
    ],
  );
});

test('members equal to the control planes (given with ports or as IPv6) have no problems', () => {
  assert.deepEqual(memberProblems([m('10.5.0.2'), m('fd00::3')], ['10.5.0.2:50000', '[fd00::3]:50000']), []);
  assert.deepEqual(memberProblems([m('fd00::3')], ['fd00::3']), []);
});

test('hostOf strips a port and brackets and keeps a bare IPv6 address whole', () => {
  fc.assert(
    fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.option(fc.integer({ min: 1, max: 65535 })), (ip, port) => {
      const node = port === null ? ip : ip.includes(':') ? `[${ip}]:${String(port)}` : `${ip}:${String(port)}`;
      assert.equal(hostOf(node), ip);
    }),
  );
  assert.equal(hostOf('[fd00::3]'), 'fd00::3');
});
