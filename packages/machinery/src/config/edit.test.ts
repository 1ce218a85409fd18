import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { editConfig, encodeConfig } from './edit.ts';
import { fixture, mustLoad } from './testdata/read-fixture.ts';

const text = fixture('controlplane.yaml');
const cp = mustLoad(text, 'controlplane.yaml');

function commentLines(s: string): string[] {
  return s
    .split('\n')
    .filter((l) => /^\s*#/.test(l))
    .map((l) => l.trim());
}

function topKeys(s: string, under: string): string[] {
  const lines = s.split('\n');
  const start = lines.indexOf(`${under}:`);
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (/^\S/.test(l)) break;
    const m = /^ {4}([A-Za-z]+):/.exec(l);
    if (m?.[1] !== undefined) out.push(m[1]);
  }
  return out;
}

test('edits that cannot apply are errors, and the input is untouched', () => {
  const none = editConfig(cp, [{ document: 'TimeSyncConfig', path: ['enabled'], value: true }]);
  assert.equal(none.config, undefined);
  assert.match(none.errors[0]!.message, /no such document/);
  assert.equal(editConfig(cp, [{ path: [], value: 1 }]).errors[0]!.message, 'an edit needs a path inside the document');
  const wrongType = editConfig(cp, [{ path: ['machine', 'features', 'rbac'], value: 'sometimes' }]);
  assert.equal(wrongType.errors[0]!.code, 'wrong-type');
  assert.equal(encodeConfig(cp), text);
});

test('encoding an unedited config gives back the exact text', () => {
  assert.equal(encodeConfig(cp), text);
  assert.equal(encodeConfig(mustLoad(fixture('worker.yaml'))), fixture('worker.yaml'));
});

test('a scalar edit changes that value only: comments, quoting and layout stay', () => {
  const r = editConfig(cp, [{ path: ['cluster', 'clusterName'], value: 'prod' }]);
  const out = encodeConfig(r.config!);
  const before = text.split('\n');
  const after = out.split('\n');
  assert.equal(after.length, before.length);
  const changed = after.filter((l, i) => l !== before[i]);
  assert.deepEqual(changed, ['    clusterName: prod # Name of the cluster.']);
});

test('a structural edit keeps comments and key order of the document', () => {
  const r = editConfig(cp, [
    { path: ['machine', 'network', 'interfaces'], value: [{ interface: 'eth0', dhcp: true }] },
    { path: ['machine', 'install', 'wipe'], value: undefined },
  ]);
  const cfg = r.config!;
  assert.deepEqual(cfg.v1alpha1()!.machine!.network!.interfaces, [{ interface: 'eth0', dhcp: true }]);
  assert.equal(cfg.v1alpha1()!.machine!.install!.wipe, undefined);
  const out = encodeConfig(cfg);
  for (const c of commentLines(text).filter((l) => !l.includes('Wipe the disk'))) assert.ok(out.includes(c.trim()), c);
  assert.deepEqual(topKeys(out, 'machine'), topKeys(text, 'machine'));
  assert.deepEqual(topKeys(out, 'cluster'), topKeys(text, 'cluster'));
  assert.match(out, /\n {4}type: controlplane # The role/);
  assert.ok(out.endsWith(text.slice(text.indexOf('---\napiVersion'))), 'the untouched document is byte-identical');
});

test('property: any string set by path reads back the same and keeps every comment', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 1, max: 65535 }), (name, port) => {
      const r = editConfig(cp, [
        { path: ['cluster', 'clusterName'], value: name },
        { path: ['machine', 'features', 'kubePrism', 'port'], value: port },
      ]);
      assert.deepEqual(r.errors, []);
      const v1 = r.config!.v1alpha1()!;
      assert.equal(v1.cluster!.clusterName, name);
      assert.equal(v1.machine!.features!.kubePrism!.port, port);
      assert.deepEqual(commentLines(encodeConfig(r.config!)), commentLines(text));
    }),
    { numRuns: 150 },
  );
});

test('property: new map entries added by path round-trip through encode and load', () => {
  const key = fc.stringMatching(/^[a-z][a-z0-9.\-/]{0,30}$/);
  fc.assert(
    fc.property(fc.dictionary(key, fc.string({ maxLength: 20 }), { maxKeys: 5 }), (taints) => {
      const r = editConfig(cp, [{ path: ['machine', 'nodeTaints'], value: taints }]);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.config!.v1alpha1()!.machine!.nodeTaints, { ...taints });
      const again = editConfig(r.config!, []);
      assert.equal(encodeConfig(again.config!), encodeConfig(r.config!));
    }),
    { numRuns: 100 },
  );
});

test('property: random edits end in a config or an error, never a throw', () => {
  const segment = fc.oneof(
    fc.constantFrom('machine', 'cluster', 'network', 'interfaces', 'install', 'disk', 'features', 'ca', 'crt', 'x'),
    fc.nat({ max: 3 }),
  );
  const value = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 10 }),
    fc.integer(),
    fc.boolean(),
    fc.jsonValue({ maxDepth: 2 }),
  );
  const edit = fc.record({
    document: fc.oneof(
      fc.constant(undefined),
      fc.nat({ max: 3 }),
      fc.constantFrom('HostnameConfig', 'v1alpha1', 'Nope'),
    ),
    path: fc.array(segment, { minLength: 0, maxLength: 5 }),
    value,
  });
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      const clean = edits.map(({ document, ...e }) => (document === undefined ? e : { ...e, document }));
      const r = editConfig(cp, clean);
      assert.ok(r.config !== undefined || r.errors.length > 0);
    }),
    { numRuns: 300 },
  );
  assert.equal(encodeConfig(cp), text);
});
