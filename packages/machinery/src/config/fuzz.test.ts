// Random and mutated input to the loader and the validator: every input must end in a config
// or in errors that say where and what, never in a throw or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadConfig } from './load.ts';
import { validateConfig } from './validate/validate.ts';
import { formatIssue } from './issue.ts';
import { fixture } from './testdata/read-fixture.ts';

const seeds = [fixture('controlplane.yaml'), fixture('worker.yaml')];
const budgetMs = 2000;

function check(text: string): void {
  const t0 = performance.now();
  const r = loadConfig(text, { source: 'fuzz.yaml' });
  if (r.config === undefined) {
    assert.ok(r.errors.length > 0, 'no config and no errors');
    for (const e of r.errors) {
      assert.equal(e.source, 'fuzz.yaml');
      assert.ok(e.message.length > 0);
      assert.ok(formatIssue(e).startsWith('fuzz.yaml'));
    }
  } else {
    assert.deepEqual(r.errors, []);
    for (const mode of ['metal', 'container', 'cloud'] as const) validateConfig(r.config, { mode, strict: true });
  }
  assert.ok(performance.now() - t0 < budgetMs, `took longer than ${String(budgetMs)} ms`);
}

/** Cuts, duplicates, swaps or corrupts a random slice of the text. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(
      fc.record({
        at: fc.nat(),
        len: fc.nat({ max: 40 }),
        op: fc.constantFrom('delete', 'insert', 'duplicate', 'replace'),
        text: fc.constantFrom(
          ': ',
          '- ',
          '\n',
          '  ',
          '#',
          '{',
          '[',
          '"',
          "'",
          '&a ',
          '*a',
          '!!int ',
          '---\n',
          'x',
          '0',
        ),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  )
  .map(([seed, ops]) => {
    let s = seed;
    for (const { at, len, op, text } of ops) {
      const i = at % (s.length + 1);
      if (op === 'delete') s = s.slice(0, i) + s.slice(i + len);
      else if (op === 'insert') s = s.slice(0, i) + text + s.slice(i);
      else if (op === 'duplicate') s = s.slice(0, i) + s.slice(i, i + len) + s.slice(i);
      else s = s.slice(0, i) + text.repeat(len % 3) + s.slice(i + len);
    }
    return s;
  });

test('fuzz: mutated talosctl configs load or fail with positioned errors', () => {
  fc.assert(fc.property(mutated, check), { numRuns: 400 });
});

test('fuzz: arbitrary strings never throw', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 500 });
});

test('fuzz: arbitrary YAML values in every shape never throw', () => {
  const value = fc.anything({ maxDepth: 4, withNullPrototype: false, withBigInt: false });
  const asConfig = fc.record({ version: fc.constantFrom('v1alpha1', 'v2', 1), machine: value, cluster: value });
  const asDoc = fc.record({
    apiVersion: fc.constantFrom('v1alpha1', 'v1'),
    kind: fc.constantFrom('HostnameConfig', 'SysctlConfig', 'Nope'),
    auto: value,
    params: value,
  });
  fc.assert(
    fc.property(fc.oneof(value, asConfig, asDoc), (v) => {
      check(v === undefined ? '' : stringify(v));
    }),
    { numRuns: 400 },
  );
});

test('alias bombs and deep nesting end in errors quickly', () => {
  const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 12; i++)
    laughs.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
    );
  check(`version: v1alpha1\nmachine:\n  pods:\n    - ${laughs.join('\n      ')}\n`);
  check(
    `version: v1alpha1\nmachine:\n  seccompProfiles:\n    - name: x\n      value: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
  );
  check(`version: v1alpha1\nmachine:\n  certSANs: &s [*s]\n`);
  check(`version: v1alpha1\nmachine: &m\n  type: worker\n  kubelet:\n    extraConfig: *m\n`);
});
