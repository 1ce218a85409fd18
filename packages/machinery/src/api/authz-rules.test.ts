import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isApiError } from './api-error.ts';
import { assertAuthorized, authorize, AuthzRole, AuthzRules, authzRuleOf } from './authz-rules.ts';
import { MachineService } from './gen/machine/machine_pb.ts';
import { State } from './gen/cosi/state_pb.ts';
import { ClusterService } from './gen/cluster/cluster_pb.ts';
import { InspectService } from './gen/inspect/inspect_pb.ts';
import { methodPath } from './service-definition.ts';

const { admin, operator, reader, etcdBackup, metaWriter, impersonator } = AuthzRole;

function denied(method: string, roles: string[], maintenance = false): boolean {
  const decision = authorize(method, roles, { maintenance });
  if (decision.allowed) return false;
  assert.ok(isApiError(decision.error, 'permission-denied'));
  assert.match(decision.error.message, /^not authorized: /);
  assert.ok(decision.error.message.includes(method), decision.error.message);
  return true;
}

test('a reader cannot change the node or read secrets', () => {
  for (const m of ['Reboot', 'Shutdown', 'Reset', 'ServiceRestart', 'Read', 'Copy', 'Kubeconfig', 'Bootstrap']) {
    assert.ok(denied(`/machine.MachineService/${m}`, [reader]), m);
  }
  assert.ok(denied('/cosi.resource.State/Create', [reader, operator]));
  assert.ok(denied('/machine.MachineService/EtcdRecover', [operator]));
});

test('no roles, unknown roles and the impersonator role alone are denied everything', () => {
  for (const path of AuthzRules.keys()) {
    assert.ok(denied(path, []), path);
    assert.ok(denied(path, ['os:future-role', 'admin']), path);
    assert.ok(denied(path, [impersonator]), path);
  }
});

test('a method missing from the table needs admin', () => {
  assert.ok(denied('/machine.MachineService/SomethingNew', [reader, operator]));
  assert.ok(denied('garbage', [reader]));
  assert.deepEqual(authorize('/machine.MachineService/SomethingNew', [admin]), { allowed: true });
  assert.deepEqual(authzRuleOf('/x.Y/Z').roles, [admin]);
});

test('every method of the served services has an explicit row', () => {
  for (const service of [MachineService, State, ClusterService, InspectService]) {
    for (const method of service.methods) {
      assert.ok(AuthzRules.has(methodPath(method)), `${methodPath(method)} is missing from AuthzRules`);
    }
  }
});

test('readers read, operators operate, and the narrow roles get their extras', () => {
  assert.equal(authorize('/machine.MachineService/Version', [reader]).allowed, true);
  assert.equal(authorize('/cosi.resource.State/Watch', [reader]).allowed, true);
  assert.equal(authorize('/machine.MachineService/Reboot', [operator]).allowed, true);
  for (const m of ['EtcdSnapshot', 'EtcdStatus', 'EtcdMemberList', 'EtcdAlarmList']) {
    assert.equal(authorize(`/machine.MachineService/${m}`, [etcdBackup]).allowed, true, m);
  }
  assert.ok(denied('/machine.MachineService/Version', [etcdBackup]));
  assert.ok(denied('/machine.MachineService/EtcdSnapshot', [reader]));
  assert.equal(authorize('/machine.MachineService/MetaWrite', [metaWriter]).allowed, true);
  assert.equal(authorize('/machine.ImageService/Verify', ['os:image:verifier']).allowed, true);
});

test('maintenance-only methods are open to readers only in maintenance mode', () => {
  const apply = '/machine.MachineService/ApplyConfiguration';
  assert.equal(authzRuleOf(apply).maintenanceOnly, true);
  assert.ok(denied(apply, [reader]));
  assert.ok(denied(apply, [operator], true));
  assert.equal(authorize(apply, [reader], { maintenance: true }).allowed, true);
  assert.equal(authorize(apply, [admin]).allowed, true);
  assert.ok(denied('/storage.StorageService/BlockDeviceWipe', [reader]));
});

test('assertAuthorized throws the denial', () => {
  assert.throws(
    () => {
      assertAuthorized('/machine.MachineService/Reboot', [reader]);
    },
    (err: unknown) => isApiError(err, 'permission-denied'),
  );
  assertAuthorized('/machine.MachineService/Reboot', [admin]);
});

test('admin may call anything, whatever the path', () => {
  fc.assert(
    fc.property(fc.string(), fc.array(fc.string()), (path, others) => {
      assert.equal(authorize(path, [...others, admin]).allowed, true);
      assert.equal(
        authorize(
          path,
          others.filter((r) => r !== admin && r !== reader),
        ).allowed,
        false,
      );
    }),
  );
});
