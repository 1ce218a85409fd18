import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { defineResource, DefinitionRegistry } from './definition.ts';
import { compileJsonPath, formatColumnValue } from './json-path.ts';
import { singular } from './type-names.ts';

test('compileJsonPath reports a malformed path with its offset', () => {
  const bad = compileJsonPath('{.spec..x}');
  assert.ok('error' in bad);
  assert.equal(bad.error.offset, 6);
  assert.match(bad.error.message, /expected a field name/);
  const junk = compileJsonPath('{.a b}');
  assert.ok('error' in junk && /unexpected " "/.test(junk.error.message));
  const open = compileJsonPath('{.a[x]}');
  assert.ok('error' in open && /expected \[INDEX\]/.test(open.error.message));
});

test('compileJsonPath reads fields, indexes and quoted keys', () => {
  const get = (path: string, value: unknown): unknown => {
    const c = compileJsonPath(path);
    assert.ok('getter' in c);
    return c.getter(value);
  };
  const v = { a: { b: [{ c: 1 }, { c: 2 }] }, 'x.y': 'dotted' };
  assert.equal(get('{.a.b[1].c}', v), 2);
  assert.equal(get(`{["x.y"]}`, v), 'dotted');
  assert.equal(get(`{['x.y']}`, v), 'dotted');
  assert.equal(get('{.a.missing.c}', v), undefined);
  assert.equal(get('{.a.b[9]}', v), undefined);
  assert.equal(get('{.toString}', v), undefined, 'inherited properties are not fields');
});

test('compileJsonPath takes every element with [*] and [:]', () => {
  const c = compileJsonPath('{.items[*].names[:]}');
  assert.ok('getter' in c && c.multiple);
  assert.deepEqual(c.getter({ items: [{ names: ['a', 'b'] }, { other: 1 }, { names: ['c'] }] }), ['a', 'b', 'c']);
  assert.equal(formatColumnValue(c.getter({ items: [{ names: ['a', 'b'] }] }), { multiple: true }), 'a b');
  assert.equal(formatColumnValue(['a', 'b']), '["a","b"]', 'a list without [*] prints as JSON');
});

test('singular names follow the English endings of Talos types', () => {
  const cases: [string, string][] = [
    ['MachineStatuses', 'MachineStatus'],
    ['AddressSpecs', 'AddressSpec'],
    ['Addresses', 'Address'],
    ['Policies', 'Policy'],
    ['Bootstraps', 'Bootstrap'],
    ['Boxes', 'Box'],
  ];
  for (const [plural, one] of cases) assert.equal(singular(plural), one);
});

test('compileJsonPath finds any field path in any object (property)', () => {
  const key = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
  fc.assert(
    fc.property(fc.array(key, { minLength: 1, maxLength: 5 }), fc.jsonValue(), (keys, leaf) => {
      let value: unknown = leaf;
      for (const k of [...keys].reverse()) value = { [k]: value };
      const c = compileJsonPath(`{.${keys.join('.')}}`);
      assert.ok('getter' in c);
      assert.deepEqual(c.getter(value), leaf);
    }),
  );
});

test('defineResource refuses a type not in plural.group form and a bad column path', () => {
  const bad = (type: string) => () => defineResource({ type, defaultNamespace: 'runtime', empty: () => ({}) });
  assert.throws(
    bad('MachineStatuses'),
    /"MachineStatuses": it has no group suffix \(like MachineStatuses.runtime.talos.dev\)/,
  );
  assert.throws(bad('machinestatuses.runtime.talos.dev'), /should be CamelCase/);
  assert.throws(bad('Machine_Statuses.runtime.talos.dev'), /is not CamelCase letters and digits/);
  assert.throws(bad('MachineStatuses.Runtime'), /suffix "Runtime" is not lower-case dotted words/);
  assert.throws(
    () =>
      defineResource({
        type: 'MachineStatuses.runtime.talos.dev',
        defaultNamespace: 'runtime',
        empty: () => ({}),
        printColumns: [{ name: 'Stage', jsonPath: '{.stage' }],
      }),
    /column Stage: path \{\.stage at offset/,
  );
});

test('a definition carries aliases, columns and sensitivity, and the registry finds it by any name', () => {
  const MachineStatus = defineResource({
    type: 'MachineStatuses.runtime.talos.dev',
    defaultNamespace: 'runtime',
    aliases: ['MachineStatus', 'ms'],
    printColumns: [
      { name: 'Stage', jsonPath: '{.stage}' },
      { name: 'Ready', jsonPath: '{.status.ready}' },
    ],
    empty: () => ({ stage: 'booting', status: { ready: false } }),
  });
  const Secret = defineResource({
    type: 'Secrets.secrets.talos.dev',
    defaultNamespace: 'secrets',
    sensitive: true,
    empty: () => ({}),
  });
  assert.equal(MachineStatus.definition.displayType, 'MachineStatus');
  assert.equal(MachineStatus.definition.id, 'machinestatuses.runtime.talos.dev');
  assert.deepEqual(MachineStatus.definition.aliases, ['machinestatus', 'ms']);
  assert.deepEqual(MachineStatus.definition.allAliases, [
    'machinestatuses',
    'machinestatuses.runtime',
    'machinestatuses.runtime.talos',
    'machinestatus',
    'ms',
  ]);
  const NodeAddress = defineResource({
    type: 'NodeAddresses.net.talos.dev',
    defaultNamespace: 'network',
    empty: () => ({}),
  });
  assert.deepEqual(NodeAddress.definition.aliases, ['nodeaddress', 'na', 'nas']);
  assert.equal(Secret.definition.sensitive, true);
  const r = MachineStatus.make('machine');
  assert.deepEqual(r.metadata.namespace, 'runtime');
  assert.deepEqual(MachineStatus.columns(r), ['booting', 'false']);
  const reg = new DefinitionRegistry();
  reg.register(MachineStatus);
  reg.register(Secret);
  assert.equal(reg.lookup('MS')?.type, MachineStatus.type);
  assert.equal(reg.lookup('machinestatuses.runtime')?.type, MachineStatus.type);
  assert.equal(reg.lookup('secret')?.type, Secret.type);
  assert.equal(reg.lookup('machinestatuses.runtime.talos.dev')?.type, MachineStatus.type);
  assert.equal(reg.lookup('nope'), undefined);
  assert.deepEqual(
    reg.list().map((d) => d.type),
    ['MachineStatuses.runtime.talos.dev', 'Secrets.secrets.talos.dev'],
  );
  assert.throws(() => {
    reg.register(Secret);
  }, /already registered/);
});
