import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { applyConfigPatches } from './apply-patches.ts';
import { formatPointer, parsePointer } from './json-pointer.ts';
import { isPatchError, PatchErrorCode } from './patch-error.ts';
import { parsePatch } from './patch-load.ts';

const config = `version: v1alpha1
machine:
  network:
    hostname: node1 # name
  certSANs: [a, b]
  "a/b": {"m~n": 1}
`;

function run(ops: string, text = config): Record<string, Record<string, unknown>> {
  return parse(applyConfigPatches(text, [parsePatch(ops, 'ops.yaml')])) as Record<string, Record<string, unknown>>;
}

function fails(ops: string, pattern: RegExp, code: string = PatchErrorCode.OperationFailed): void {
  assert.throws(
    () => run(ops),
    (err) => isPatchError(err) && err.code === code && pattern.test(err.message),
  );
}

test('add fails when the parent is missing or the index is out of range', () => {
  fails(
    '- op: add\n  path: /machine/nope/x\n  value: 1\n',
    /^ops\.yaml:1:3: JSON patch operation 0 \(add \/machine\/nope\/x\) failed: \/machine has no key "nope"/,
  );
  fails(
    '- op: add\n  path: /machine/certSANs/5\n  value: c\n',
    /operation 0 .*index 5 is out of range \(the list has 2 elements\)/,
  );
  fails('- op: add\n  path: /machine/certSANs/01\n  value: c\n', /"01" is not a list index/);
});

test('remove, replace, move, copy and test fail on a missing path, naming the operation index', () => {
  const ok = '- op: test\n  path: /version\n  value: v1alpha1\n';
  fails(
    `${ok}- op: remove\n  path: /machine/x\n`,
    /^ops\.yaml:4:3: JSON patch operation 1 \(remove \/machine\/x\) failed: \/machine has no key "x"/,
  );
  fails(
    '- op: replace\n  path: /cluster\n  value: {}\n',
    /operation 0 \(replace \/cluster\).*the document has no key "cluster"/,
  );
  fails('- op: move\n  from: /nope\n  path: /x\n', /operation 0 \(move \/x\).*no key "nope"/);
  fails('- op: copy\n  from: /machine/certSANs/7\n  path: /x\n', /operation 0 \(copy \/x\).*out of range/);
  fails(
    '- op: test\n  path: /machine/network/hostname\n  value: node2\n',
    /value is "node1", the test expects "node2"/,
  );
  fails('- op: move\n  from: /machine\n  path: /machine/network/m\n', /cannot move \/machine into its own child/);
  fails('- op: remove\n  path: ""\n', /cannot remove the whole document/);
  fails(
    '- op: add\n  path: /machine/network/hostname/x\n  value: 1\n',
    /is the value "node1", not a mapping or a list/,
  );
});

test('malformed operations are reported with the patch source, line and column', () => {
  fails(
    '- op: frobnicate\n  path: /x\n',
    /^ops\.yaml:1:3: JSON patch operation 0: "op" must be one of add, remove/,
    PatchErrorCode.Malformed,
  );
  fails('- op: add\n  path: /x\n', /operation 0: "add" needs "value"/, PatchErrorCode.Malformed);
  fails(
    '- {op: test, path: /a}\n- op: copy\n  path: /x\n',
    /^ops\.yaml:1:3: .*operation 0: "test" needs "value"/,
    PatchErrorCode.Malformed,
  );
  fails('- op: move\n  path: /x\n', /"move" needs "from"/, PatchErrorCode.Malformed);
  fails('- op: remove\n', /"path" must be a JSON pointer/, PatchErrorCode.Malformed);
  fails('- just a string\n', /expected a mapping with "op" and "path"/, PatchErrorCode.Malformed);
  fails('- op: remove\n  path: machine\n', /pointer "machine" must start with "\/"/);
  fails('- op: remove\n  path: /a~2\n', /"~" not followed by 0 or 1/);
});

test('a JSON patch on a multi-document config is refused with the documents it found', () => {
  const multi = `${config}---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: x\n`;
  assert.throws(
    () =>
      applyConfigPatches(multi, [parsePatch('[{"op":"remove","path":"/machine"}]', 'inline patch 1')], {
        source: 'cp.yaml',
      }),
    (err) =>
      isPatchError(err) &&
      err.code === PatchErrorCode.Unsupported &&
      /inline patch 1: .*cp\.yaml has 2 documents \(v1alpha1, HostnameConfig\): write the patch as a strategic merge patch/.test(
        err.message,
      ),
  );
});

test('add sets keys, inserts and appends list elements, and replaces the root', () => {
  const out = run(`- {op: add, path: /machine/network/hostname, value: node2}
- {op: add, path: /machine/certSANs/0, value: z}
- {op: add, path: /machine/certSANs/-, value: y}
- {op: add, path: /cluster, value: {id: 1}}
`);
  assert.deepEqual(out.machine?.certSANs, ['z', 'a', 'b', 'y']);
  assert.equal((out.machine.network as Record<string, unknown>).hostname, 'node2');
  assert.deepEqual(out.cluster, { id: 1 });
  assert.deepEqual(run('[{"op": "add", "path": "", "value": {"version": "v1alpha1"}}]'), { version: 'v1alpha1' });
});

test('remove, replace, move, copy and test succeed, with ~0/~1 escapes', () => {
  const out = run(`- {op: test, path: /machine/a~1b/m~0n, value: 1}
- {op: replace, path: /machine/a~1b/m~0n, value: 2}
- {op: copy, from: /machine/certSANs, path: /machine/copied}
- {op: move, from: /machine/certSANs/0, path: /machine/certSANs/-}
- {op: remove, path: /machine/network}
`);
  assert.deepEqual(out.machine, { certSANs: ['b', 'a'], 'a/b': { 'm~n': 2 }, copied: ['a', 'b'] });
});

test('replace keeps the comment of the value it replaces', () => {
  const text = applyConfigPatches(config, [
    parsePatch('- {op: replace, path: /machine/network/hostname, value: n2}', 'p'),
  ]);
  assert.match(text, /hostname: n2 # name/);
});

test('JSON pointers round-trip through escaping', () => {
  const tokens = ['a/b', 'm~n', '', '~1'];
  assert.deepEqual(parsePointer(formatPointer(tokens)), tokens);
  assert.deepEqual(parsePointer(''), []);
});
