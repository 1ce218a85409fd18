// The real component images, written twice into fresh caches from the real binaries: byte-identical.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildComponentImages, defaultComponentCache } from '@bronze/imager';

const built = ['pause-3.10.1/pause', 'kube-proxy-v1.34.10/kube-proxy'].every((p) =>
  existsSync(join(defaultComponentCache, p)),
)
  ? false
  : 'pause and kube-proxy are not built: osctl image components build pause kube-proxy';

test(
  'pause and kube-proxy images are byte-identical from two fresh caches',
  { skip: built, timeout: 120_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'imager-repro-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const names = ['pause', 'kube-proxy'];
    const a = await buildComponentImages({ names, imageCache: join(dir, 'a'), cachedBinariesOnly: true });
    const b = await buildComponentImages({ names, imageCache: join(dir, 'b'), cachedBinariesOnly: true, force: true });
    assert.equal(a.length, 2);
    for (const [i, img] of a.entries()) {
      const other = b[i];
      assert.ok(other);
      assert.equal(img.cached, false);
      assert.equal(other.sha256, img.sha256, img.ref);
      assert.equal(other.manifestDigest, img.manifestDigest, img.ref);
      assert.deepEqual(await readFile(other.archivePath), await readFile(img.archivePath), img.ref);
    }
  },
);
