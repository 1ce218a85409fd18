import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyConfigPatches } from './apply-patches.ts';
import { diffConfigs } from './config-diff.ts';
import { isPatchError } from './patch-error.ts';
import { parsePatch } from './patch-load.ts';
import { strategicPatchBetween } from './patch-between.ts';

const config = `version: v1alpha1
machine:
  network:
    hostname: a # name
    interfaces:
      - interface: eth0
        vlans: [{vlanId: 1}]
  certSANs: [x]
---
apiVersion: v1alpha1
kind: ExtensionServiceConfig
name: foo
configFiles:
  - mountPath: /a
    content: |
      line
`;

const seeds = [
  'machine:\n  network:\n    hostname: b\n',
  'machine:\n  network:\n    interfaces:\n      - interface: eth0\n        $patch: delete\n',
  'apiVersion: v1alpha1\nkind: ExtensionServiceConfig\nname: foo\n$patch: delete\n',
  '[{"op": "add", "path": "/machine/x", "value": 1}]',
  '- op: move\n  from: /machine/certSANs/0\n  path: /y\n',
  'machine:\n  certSANs:\n    - $patch: replace\n    - y\n',
  '&a {machine: *a}\n',
];

/** Random edits of a valid patch: characters that matter to YAML inserted, removed or replaced. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 3 }),
        fc.constantFrom(...':-[]{}#&*!|>"\'\n $~/,?%@`\t'.split(''), '$patch', '---\n'),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([seed, edits]) => {
    let text = seed;
    for (const [at, drop, insert] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + drop);
    }
    return text;
  });

function valueOrPatchError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(isPatchError(err), `expected a PatchError, got ${String(err)}`);
    assert.match(err.message, /^\S+/);
  }
}

test('random and mutated patches end in a config or a PatchError, never a crash', () => {
  fc.assert(
    fc.property(fc.oneof(mutated, fc.string({ maxLength: 60 })), (text) => {
      valueOrPatchError(() => applyConfigPatches(config, [parsePatch(text, 'fuzz.yaml')]));
    }),
    { numRuns: 3000 },
  );
});

test('mutated configs end in a diff, a patch or a PatchError', () => {
  fc.assert(
    fc.property(mutated, (text) => {
      valueOrPatchError(() => diffConfigs(config, text));
      valueOrPatchError(() => strategicPatchBetween(text, config));
      valueOrPatchError(() => applyConfigPatches(text, [parsePatch('machine: {type: worker}', 'p')]));
    }),
    { numRuns: 1000 },
  );
});
