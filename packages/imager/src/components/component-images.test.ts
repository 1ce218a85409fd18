import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isImageError } from '../image-error.ts';
import { buildComponentImages, nodeImageArchives } from './component-images.ts';

test('a root without an image index is an error naming the index path', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'imager-index-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await assert.rejects(nodeImageArchives(root), (err: unknown) => {
    assert.ok(isImageError(err));
    assert.match(err.message, /usr\/share\/bronze\/images\/index\.json/);
    return true;
  });
});

test('the index gives absolute archive paths and drops entries that leave the directory', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'imager-index-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'usr/share/bronze/images');
  await mkdir(dir, { recursive: true });
  const index = [
    { ref: 'registry.k8s.io/pause:3.10.1', file: 'pause.tar', manifestDigest: 'sha256:aa' },
    { ref: 'evil:1', file: '../../../etc/shadow', manifestDigest: 'sha256:bb' },
    { ref: 42, file: 'x.tar', manifestDigest: 'sha256:cc' },
  ];
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  assert.deepEqual(await nodeImageArchives(root), [
    { ref: 'registry.k8s.io/pause:3.10.1', archivePath: join(dir, 'pause.tar'), manifestDigest: 'sha256:aa' },
  ]);
});

test('an unknown image name is refused before anything is built', async () => {
  await assert.rejects(
    buildComponentImages({ names: ['kube-nope'] }),
    /unknown component image kube-nope; known: kube-apiserver/,
  );
});
