import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Document } from 'yaml';
import { applyConfigPatches } from './apply-patches.ts';
import { parseDocuments } from './config-documents.ts';
import { describeIdentity } from './identity.ts';
import { parsePatch } from './patch-load.ts';
import { strategicPatchBetween } from './patch-between.ts';

const scalar = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -3, max: 50 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('10.0.0.1/24', 'true', '1', 'null', '~', 'a: b', '- x', '#c'),
);
const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(scalar, { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
    fc.array(fc.dictionary(key, tie('value'), { maxKeys: 2 }), { maxLength: 2 }),
  ),
}));

const vlan = fc.record(
  { vlanId: fc.constantFrom(1, 2, 3), mtu: fc.integer({ min: 1, max: 3 }) },
  { requiredKeys: ['vlanId'] },
);
const iface = fc.oneof(
  fc.record(
    {
      interface: fc.constantFrom('eth0', 'eth1', 'eth2'),
      addresses: fc.array(fc.constantFrom('10.0.0.1/24', '10.0.0.2/24'), { maxLength: 2 }),
      mtu: fc.integer({ min: 1, max: 3 }),
      vlans: fc.array(vlan, { maxLength: 3 }),
      x: value,
    },
    { requiredKeys: ['interface'] },
  ),
  fc.record(
    { deviceSelector: fc.record({ hardwareAddr: fc.constantFrom('aa:*', 'bb:*') }), dhcp: fc.boolean() },
    { requiredKeys: ['deviceSelector'] },
  ),
);

const v1alpha1 = fc.record(
  {
    version: fc.constant('v1alpha1'),
    machine: fc.record(
      {
        network: fc.record({ hostname: scalar, interfaces: fc.array(iface, { maxLength: 3 }) }, { requiredKeys: [] }),
        certSANs: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 }),
        a: value,
      },
      { requiredKeys: [] },
    ),
    cluster: fc.record(
      {
        network: fc.record({ podSubnets: fc.array(fc.constantFrom('10.0.0.0/8', '192.168.0.0/16'), { maxLength: 2 }) }),
        apiServer: fc.record(
          {
            admissionControl: fc.array(fc.record({ name: fc.constantFrom('A', 'B', 'C'), configuration: value }), {
              maxLength: 3,
            }),
            extraArgs: fc.dictionary(
              key,
              fc.oneof(fc.string({ maxLength: 3 }), fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 })),
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    b: value,
  },
  { requiredKeys: ['version'] },
);

const other = fc.record(
  {
    apiVersion: fc.constant('v1alpha1'),
    kind: fc.constantFrom('HostnameConfig', 'ExtensionServiceConfig', 'KubeNetworkConfig'),
    name: fc.constantFrom('x', 'y'),
    configFiles: fc.array(fc.record({ mountPath: fc.constantFrom('/a', '/b'), content: fc.string({ maxLength: 3 }) }), {
      maxLength: 2,
    }),
    podSubnets: fc.array(fc.constantFrom('10.0.0.0/8', '::/0'), { maxLength: 2 }),
    c: value,
  },
  { requiredKeys: ['apiVersion', 'kind'] },
);

const config = fc
  .tuple(
    fc.option(v1alpha1, { nil: undefined }),
    fc.uniqueArray(other, { maxLength: 3, selector: (d) => `${d.kind}/${d.name ?? ''}` }),
  )
  .map(([main, rest]) => (main === undefined ? rest : [main, ...rest]) as object[]);

interface Style {
  indent: number;
  indentSeq: boolean;
  comment: boolean;
}

/** Renders documents, optionally in another style (Talos indents by 4) and with comments. */
function render(docs: readonly object[], style: Style = { indent: 2, indentSeq: true, comment: false }): string {
  return docs
    .map((d, i) => {
      const doc = new Document(d);
      if (style.comment) doc.commentBefore = ` document ${i}\n\n a note`;
      return (i > 0 ? '---\n' : '') + doc.toString({ indent: style.indent, indentSeq: style.indentSeq });
    })
    .join('');
}

const style = fc.record({ indent: fc.constantFrom(2, 4), indentSeq: fc.boolean(), comment: fc.boolean() });

function byIdentity(text: string): Map<string, unknown> {
  const parsed = parseDocuments(text, { source: 'result', unique: true });
  return new Map(parsed.documents.map((d) => [describeIdentity(d.identity), d.doc.toJS() as unknown]));
}

test('applying the computed patch to OLD gives NEW', () => {
  fc.assert(
    fc.property(config, config, style, (before, after, oldStyle) => {
      const oldText = render(before, oldStyle);
      const newText = render(after);
      const patchText = strategicPatchBetween(oldText, newText);
      const result = applyConfigPatches(oldText, [parsePatch(patchText, 'computed patch')]);
      assert.deepEqual(byIdentity(result), byIdentity(newText), `patch was:\n${patchText}`);
    }),
    { numRuns: 1500 },
  );
});

test('a config patched from itself needs an empty patch', () => {
  fc.assert(
    fc.property(config, (docs) => {
      const text = render(docs);
      assert.equal(strategicPatchBetween(text, text), '');
    }),
  );
});
