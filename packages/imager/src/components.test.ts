import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { componentsFile, loadComponents, parseComponents, verifyComponentFile, type Component } from './components.ts';
import { isImageError } from './image-error.ts';
import { NodeBinaries } from './kubernetes-files.ts';

test('parseComponents reports every problem with its JSON path', () => {
  const { errors } = parseComponents(
    JSON.stringify({
      components: [
        { name: 'etcd', version: '', source: { kind: 'rpm', package: 'etcd' }, files: [] },
        {
          name: 'runc',
          version: '1',
          source: { kind: 'debian', package: 'runc' },
          files: [{ from: '/x', to: 'rel', sha256: 'zz' }],
        },
      ],
    }),
  );
  assert.deepEqual([...errors].sort(), [
    'components[0].files: expected at least one file',
    'components[0].source.kind: must be one of debian, npm, go',
    'components[0].version: expected a non-empty string, got ""',
    'components[1].files[0].sha256: not a sha-256 hex digest',
    'components[1].files[0].to: must be an absolute path, got rel',
  ]);
  assert.match(parseComponents('{').errors[0] ?? '', /^not JSON/);
  assert.deepEqual(parseComponents('{}').errors, ['components: expected a list']);
});

test('the pinned list is valid and names node, runc, the cni plugins and ca certificates', async () => {
  const names = (await loadComponents(componentsFile)).map((c) => c.name);
  for (const n of ['node', 'runc', 'cni-plugins', 'ca-certificates']) assert.ok(names.includes(n), n);
  // etcd and containerd come from the upstream component list, built from their modules.
  assert.ok(!names.includes('etcd') && !names.includes('containerd'));
  assert.ok(NodeBinaries.some((b) => b.component === 'containerd' && b.to === '/usr/bin/containerd'));
  assert.deepEqual(
    NodeBinaries.filter((b) => b.component.startsWith('etcd')).map((b) => b.to),
    ['/usr/bin/etcd', '/usr/bin/etcdutl'],
  );
});

test('verifyComponentFile refuses a file whose digest is not the pinned one, and a missing file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imager-comp-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'bin'), 'changed');
  const file = { from: 'bin', to: '/usr/bin/bin', sha256: '0'.repeat(64) };
  const c: Component = { name: 'x', version: '1.0', source: { kind: 'debian', package: 'xpkg' }, files: [file] };
  await assert.rejects(
    verifyComponentFile(c, file, { repoRoot: dir }),
    (err: unknown) =>
      isImageError(err) &&
      err.code === 'checksum-mismatch' &&
      err.message.includes(join(dir, 'bin')) &&
      err.message.includes('pins 0000'),
  );
  const gone = { ...file, from: 'nope' };
  await assert.rejects(
    verifyComponentFile(c, gone, { repoRoot: dir }),
    (err: unknown) =>
      isImageError(err) && err.code === 'missing-input' && /install Debian package xpkg/.test(err.message),
  );
});
