import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { applyConfigPatches } from './apply-patches.ts';
import { diffLines } from './line-diff.ts';
import { keepFormatting } from './keep-format.ts';
import { parsePatch } from './patch-load.ts';

const talosStyle = `version: v1alpha1 # Indicates the schema used to decode the contents.
debug: false # Enable verbose logging to the console.
persist: true
# Provides machine specific configuration options.
machine:
    type: controlplane # Defines the role of the machine within the cluster.
    token: abc.def # The \`token\` is used by a machine to join the PKI of the cluster.

    # Used to provide additional options to the kubelet.
    kubelet:
        image: ghcr.io/siderolabs/kubelet:v1.34.1 # The \`image\` field is an optional reference.
        defaultRuntimeSeccompProfileEnabled: true # Enable container runtime default Seccomp profile.

        # # The \`extraArgs\` field is used to provide additional flags to the kubelet.
        # extraArgs:
        #     key: value
    # Provides machine specific network configuration options.
    network: {}
    certSANs: []
cluster:
    network:
        dnsDomain: cluster.local
        podSubnets:
            - 10.244.0.0/16
`;

function changedLines(before: string, after: string): string[] {
  return diffLines(before.split('\n'), after.split('\n'))
    .filter((e) => e.kind !== ' ')
    .map((e) => `${e.kind}${e.text}`);
}

function patched(text: string, patch: string): string {
  return applyConfigPatches(text, [parsePatch(patch, 'p.yaml')]);
}

test('mixed styles that would not read back the same fall back to the plain rendering', () => {
  const flush = 'version: v1alpha1\nmachine:\n  certSANs:\n  - a\n  - b\n  type: worker\n';
  const out = patched(flush, 'machine:\n  certSANs: [c]\n  type: controlplane\n');
  assert.deepEqual(parse(out), { version: 'v1alpha1', machine: { certSANs: ['a', 'b', 'c'], type: 'controlplane' } });
});

test('an empty patch gives the config back byte for byte, Talos indentation and blank lines included', () => {
  assert.equal(patched(talosStyle, ''), talosStyle);
  assert.equal(patched(talosStyle, 'machine:\n  type: controlplane\n'), talosStyle);
});

test('a change touches only its own lines', () => {
  assert.deepEqual(changedLines(talosStyle, patched(talosStyle, 'machine:\n  token: xyz.uvw\n')), [
    '-    token: abc.def # The `token` is used by a machine to join the PKI of the cluster.',
    '+    token: xyz.uvw # The `token` is used by a machine to join the PKI of the cluster.',
  ]);
  assert.deepEqual(
    changedLines(talosStyle, patched(talosStyle, 'cluster:\n  network:\n    podSubnets: [10.0.0.0/8]\n')),
    ['-            - 10.244.0.0/16', '+            - 10.0.0.0/8'],
  );
});

test('filling an empty flow collection writes block style in the config indentation', () => {
  const out = patched(talosStyle, 'machine:\n  network:\n    hostname: cp1\n  certSANs:\n    - 10.0.0.1\n');
  assert.deepEqual(changedLines(talosStyle, out), [
    '-    network: {}',
    '-    certSANs: []',
    '+    network:',
    '+        hostname: cp1',
    '+    certSANs:',
    '+        - 10.0.0.1',
  ]);
});

test('keepFormatting returns the original when the rendering did not change', () => {
  assert.equal(keepFormatting('a:   1\n', 'a: 1\n', 'a: 1\n'), 'a:   1\n');
  assert.equal(keepFormatting('a: 1 #c\n\nb: 2\n', 'a: 1 #c\nb: 2\n', 'a: 1 #c\nb: 3\n'), 'a: 1 #c\n\nb: 3\n');
});
