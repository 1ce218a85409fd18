import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffConfigs } from './config-diff.ts';
import { isPatchError } from './patch-error.ts';

const a = `# top
version: v1alpha1
machine:
  type: worker
  network:
    hostname: a
---
apiVersion: v1alpha1
kind: HostnameConfig
hostname: a
---
apiVersion: v1alpha1
kind: ResolverConfig
nameservers: []
`;
const b = `apiVersion: v1alpha1
kind: HostnameConfig
hostname: a
---
# top
version: v1alpha1
machine:
  type: worker
  network:
    hostname: b
---
apiVersion: v1alpha1
kind: ExtensionServiceConfig
name: foo
`;

test('a broken config is an error naming the file, line and column', () => {
  assert.throws(
    () => diffConfigs(a, 'machine: [\n', { oldSource: 'a.yaml', newSource: 'b.yaml' }),
    (err) => isPatchError(err) && /^b\.yaml:\d+:\d+: /.test(err.message),
  );
});

test('documents are matched by identity, not position; equal ones print nothing', () => {
  const out = diffConfigs(a, b, { oldSource: 'a.yaml', newSource: 'b.yaml' });
  assert.equal(
    out,
    `--- a.yaml\tv1alpha1
+++ b.yaml\tv1alpha1
@@ -3,4 +7,4 @@
 machine:
   type: worker
   network:
-    hostname: a
+    hostname: b
--- a.yaml\tResolverConfig
+++ b.yaml\t(no ResolverConfig document)
@@ -12,3 +0,0 @@
-apiVersion: v1alpha1
-kind: ResolverConfig
-nameservers: []
--- a.yaml\t(no ExtensionServiceConfig "foo" document)
+++ b.yaml\tExtensionServiceConfig "foo"
@@ -0,0 +12,3 @@
+apiVersion: v1alpha1
+kind: ExtensionServiceConfig
+name: foo
`,
  );
  assert.equal(diffConfigs(a, a), '');
});

test('colour wraps removed and added lines in ANSI codes only when asked', () => {
  const out = diffConfigs(a, b, { color: true });
  const esc = '\u001b';
  assert.ok(out.includes(`${esc}[31m-    hostname: a${esc}[0m`));
  assert.ok(out.includes(`${esc}[32m+    hostname: b${esc}[0m`));
  assert.ok(!diffConfigs(a, b).includes(esc));
});
