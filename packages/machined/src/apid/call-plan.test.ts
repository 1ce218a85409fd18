import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Metadata } from '@grpc/grpc-js';
import { isApiError } from '@bronze/machinery';
import type { PeerCertificate } from 'node:tls';
import { planCall, type CallSurface, type PlanOptions } from './call-plan.ts';

const ClientAuth = '1.3.6.1.5.5.7.3.2';
const normal: PlanOptions = { maintenance: false, canForward: true, self: '10.0.0.1' };

function call(md: Metadata, organizations: string[] | undefined, usage = [ClientAuth]): CallSurface {
  const cert =
    organizations === undefined
      ? undefined
      : ({
          subject: { CN: 'test', O: organizations },
          ext_key_usage: usage,
          fingerprint256: 'AA',
          valid_to: 'Jan 1 00:00:00 2100 GMT',
          raw: Buffer.alloc(0),
        } as unknown as PeerCertificate);
  return { metadata: md, getAuthContext: () => (cert === undefined ? {} : { sslPeerCertificate: cert }) };
}

function md(...pairs: [string, string][]): Metadata {
  const m = new Metadata();
  for (const [k, v] of pairs) m.add(k, v);
  return m;
}

const version = '/machine.MachineService/Version';

test('no certificate, a wrong usage or no roles: refused before anything is forwarded', () => {
  assert.throws(
    () => planCall(call(md(), undefined), version, normal),
    (e: unknown) => isApiError(e, 'unauthenticated'),
  );
  assert.throws(
    () => planCall(call(md(), ['os:admin'], ['1.3.6.1.5.5.7.3.1']), version, normal),
    (e: unknown) => isApiError(e, 'unauthenticated'),
  );
  assert.throws(
    () => planCall(call(md(), ['talos', 'admin']), version, normal),
    (e: unknown) => isApiError(e, 'permission-denied'),
  );
});

test('the upstream gets the caller roles, no routing keys and no transport headers', () => {
  const incoming = md(
    ['node', '10.0.0.2'],
    ['talos-role', 'os:admin'],
    ['user-agent', 'grpc-go'],
    ['grpc-timeout', '1S'],
    ['x-trace', 'abc'],
  );
  const plan = planCall(call(incoming, ['os:reader', 'os:reader', 'talos']), version, normal);
  assert.deepEqual(plan.route, { kind: 'node', node: '10.0.0.2' });
  assert.deepEqual(plan.metadata.getMap(), { 'x-trace': 'abc', 'talos-role': 'os:reader', proxyfrom: '10.0.0.1' });
});

test('an impersonator speaks for its caller; a hop is answered locally', () => {
  const incoming = md(['talos-role', 'os:operator,os:reader'], ['proxyfrom', '10.0.0.9'], ['node', '10.0.0.3']);
  const plan = planCall(call(incoming, ['os:impersonator']), '/machine.MachineService/Reboot', normal);
  assert.deepEqual(plan.route, { kind: 'local' });
  assert.deepEqual(plan.roles, ['os:operator', 'os:reader']);
  assert.deepEqual(plan.metadata.get('proxyfrom'), ['10.0.0.9']);
});

test('any metadata gives a plan or an ApiError, and never leaks routing keys upstream', () => {
  const key = fc.oneof(
    fc.constantFrom('node', 'nodes', 'talos-role', 'proxyfrom', 'token'),
    fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,12}$/),
  );
  const value = fc.stringMatching(/^[ -~]{0,20}$/);
  const roles = fc.subarray(['os:admin', 'os:reader', 'os:operator', 'os:impersonator', 'junk']);
  fc.assert(
    fc.property(fc.array(fc.tuple(key, value), { maxLength: 8 }), roles, fc.boolean(), (pairs, orgs, maintenance) => {
      const incoming = new Metadata();
      for (const [k, v] of pairs) incoming.add(k, v);
      let plan;
      try {
        plan = planCall(call(incoming, orgs), version, { ...normal, maintenance });
      } catch (err) {
        assert.ok(isApiError(err), String(err));
        return;
      }
      assert.deepEqual(plan.metadata.get('node'), []);
      assert.deepEqual(plan.metadata.get('nodes'), []);
      assert.deepEqual(plan.metadata.get('talos-role').map(String), plan.roles);
      if (maintenance) assert.deepEqual(plan.roles, ['os:reader']);
      if (!orgs.includes('os:impersonator')) assert.ok(plan.roles.every((r) => maintenance || orgs.includes(r)));
    }),
  );
});
