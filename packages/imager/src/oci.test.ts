import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { MediaType, writeOciLayout, type Descriptor } from './oci.ts';
import { walkTree } from './tree.ts';

async function readBlob(dir: string, d: Descriptor): Promise<Buffer> {
  const data = await readFile(join(dir, 'blobs', 'sha256', d.digest.slice('sha256:'.length)));
  assert.equal(data.length, d.size, `size of ${d.digest}`);
  assert.equal(`sha256:${createHash('sha256').update(data).digest('hex')}`, d.digest, `content of ${d.digest}`);
  return data;
}

test('writeOciLayout writes blobs named by their digests, a diff_id of the tar, and the same bytes twice', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imager-oci-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const root = join(dir, 'root');
  await mkdir(join(root, 'usr', 'bin'), { recursive: true });
  await writeFile(join(root, 'usr', 'bin', 'tool'), 'binary', { mode: 0o755 });
  await symlink('usr/bin/tool', join(root, 'tool'));
  const entries = await walkTree(root);
  const ref = 'localhost/bronze/node:test';
  const a = await writeOciLayout(root, entries, { dir: join(dir, 'a'), ref });
  const b = await writeOciLayout(root, entries, { dir: join(dir, 'b'), ref });
  assert.deepEqual(a, b);
  for (const name of ['index.json', 'manifest.json', 'oci-layout'])
    assert.deepEqual(await readFile(join(dir, 'a', name)), await readFile(join(dir, 'b', name)), name);

  const oci = join(dir, 'a');
  const index = JSON.parse(await readFile(join(oci, 'index.json'), 'utf8')) as {
    manifests: (Descriptor & { annotations: Record<string, string> })[];
  };
  const m = index.manifests[0];
  assert.ok(m !== undefined);
  assert.equal(m.annotations['org.opencontainers.image.ref.name'], ref);
  const manifest = JSON.parse((await readBlob(oci, m)).toString()) as { config: Descriptor; layers: Descriptor[] };
  const config = JSON.parse((await readBlob(oci, manifest.config)).toString()) as { rootfs: { diff_ids: string[] } };
  const layerDesc = manifest.layers[0];
  assert.ok(layerDesc !== undefined);
  assert.equal(layerDesc.mediaType, MediaType.layer);
  const tar = gunzipSync(await readBlob(oci, layerDesc));
  assert.deepEqual(config.rootfs.diff_ids, [`sha256:${createHash('sha256').update(tar).digest('hex')}`]);
  assert.equal((await readdir(join(oci, 'blobs', 'sha256'))).length, 3, 'no stray blobs or temporary files');
  assert.equal((await stat(join(oci, 'blobs'))).isDirectory(), true);
  assert.deepEqual((await readdir(join(oci, 'blobs'))).sort(), ['sha256']);
});
