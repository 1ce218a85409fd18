import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManifestDocumentError, parseManifestObjects } from './manifest-documents.ts';

test('manifest documents: objects in order, empty documents skipped, a List contributes its items', () => {
  const text = [
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a',
    '',
    '# only a comment',
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b, namespace: a}',
  ].join('\n---\n');
  assert.deepEqual(
    parseManifestObjects(text).map((o) => `${o.kind}/${o.metadata.name}`),
    ['Namespace/a', 'ConfigMap/b'],
  );
  assert.deepEqual(parseManifestObjects(''), []);
});

test('manifest documents: what is not an object is refused, naming the document', () => {
  const refused = (text: string, message: RegExp) => {
    assert.throws(
      () => parseManifestObjects(text),
      (err) => err instanceof ManifestDocumentError && message.test(err.message),
      text,
    );
  };
  refused('apiVersion: v1\nkind: [unclosed', /^document 1: /);
  refused(
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n- a list',
    /^document 2 is not a Kubernetes object/,
  );
  refused('kind: ConfigMap\nmetadata: {name: x}', /^document 1 has no apiVersion$/);
  refused('apiVersion: v1\nkind: ConfigMap\nmetadata: {}', /^document 1 \(ConfigMap\) has no metadata\.name$/);
  refused('apiVersion: v1\nkind: List\nitems:\n- 3', /^document 1 item 1 is not a Kubernetes object/);
});
