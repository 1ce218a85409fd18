import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSelfSignedCa, issueCertificateAndKey } from './pki/issue.ts';
import {
  AllRoles,
  hasAnyRole,
  isRolesError,
  parseRoles,
  parseRolesStrict,
  Role,
  rolesFromCertificate,
} from './roles.ts';

test('unknown and malformed roles are reported, not silently dropped', () => {
  assert.throws(
    () => parseRolesStrict(['os:admin', 'admin']),
    (err: unknown) => {
      return isRolesError(err) && err.message.includes('unknown roles: admin') && err.message.includes('os:reader');
    },
  );
  assert.throws(() => parseRolesStrict(['os:superuser']), /os:superuser/);
  assert.deepEqual(parseRoles(['os:future', 'os:reader', 'os:reader', ' ']), {
    roles: ['os:reader'],
    unknown: ['os:future'],
  });
});

test('comma-separated role flags parse like talosctl --roles', () => {
  assert.deepEqual(parseRolesStrict(['os:reader,os:operator', 'os:etcd:backup']), [
    Role.reader,
    Role.operator,
    Role.etcdBackup,
  ]);
});

test('roles come from the Organization of a client certificate; other organizations are ignored', async () => {
  const ca = await createSelfSignedCa({ organizations: ['talos'] });
  const leaf = await issueCertificateAndKey(ca, {
    organizations: ['os:operator', 'os:impersonator', 'acme', 'os:newrole'],
    extKeyUsage: ['clientAuth'],
  });
  assert.deepEqual(rolesFromCertificate(leaf.certificate), {
    roles: ['os:operator', 'os:impersonator'],
    unknown: ['os:newrole'],
  });
  const none = await issueCertificateAndKey(ca, { extKeyUsage: ['clientAuth'] });
  assert.deepEqual(rolesFromCertificate(none.certificate), { roles: [], unknown: [] });
  assert.equal(hasAnyRole(['os:reader'], [Role.admin, Role.operator]), false);
  assert.equal(hasAnyRole(['os:reader'], [Role.reader]), true);
});

test('parseRoles keeps every known role exactly once (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom(...AllRoles), fc.string({ maxLength: 12 }))), (values) => {
      const { roles, unknown } = parseRoles(values);
      assert.equal(new Set(roles).size, roles.length);
      for (const r of roles) assert.ok(values.includes(r));
      for (const u of unknown) assert.ok(!(AllRoles as readonly string[]).includes(u));
    }),
  );
});
