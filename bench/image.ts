// npm run bench -- image: a cold build of the node image (fresh cache, forced) and a cached one
// (same inputs, new out directory), the SquashFS and OCI layer sizes and the largest components.
// The peer figure is the uncompressed root file system: ratio = squashfs / rootfs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildImage, formatSizeReport, hasTool } from '@bronze/imager';
import { benchLine } from './lib-stats.ts';

if (!(await hasTool('mksquashfs', '-version'))) {
  process.stderr.write('bench image: mksquashfs is missing; install it with: apt-get install squashfs-tools\n');
  process.exit(1);
}

const dir = await mkdtemp(join(tmpdir(), 'bench-image-'));
try {
  const cache = join(dir, 'cache');
  let t = performance.now();
  const cold = await buildImage({ outDir: join(dir, 'cold'), cacheDir: cache, force: true });
  const coldS = (performance.now() - t) / 1000;
  t = performance.now();
  const cached = await buildImage({ outDir: join(dir, 'cached'), cacheDir: cache });
  const cachedS = (performance.now() - t) / 1000;
  if (!cached.cached || cached.sha256 !== cold.sha256) throw new Error('the second build did not come from the cache');
  const r = cold.sizeReport;
  process.stdout.write(
    `${formatSizeReport(r)}\ncold build ${coldS.toFixed(1)}s, cached build ${cachedS.toFixed(1)}s\n`,
  );
  if (cold.manifest.bundle.status === 'skipped') process.stdout.write(`note: ${cold.manifest.bundle.reason}\n`);
  const mib = (b: number): number => b / 1048576;
  const top = r.components
    .slice(0, 3)
    .map((c) => `${c.component}:${mib(c.bytes).toFixed(1)}`)
    .join(',');
  const strip = r.stripped[0];
  const images = r.components.filter((c) => c.component.startsWith('image '));
  process.stdout.write(
    `${benchLine('image', {
      cold_s: coldS,
      cached_s: cachedS,
      squashfs_mib: mib(r.squashfsBytes),
      oci_layer_mib: mib(r.ociLayerBytes),
      rootfs_mib: mib(r.rootfsBytes),
      component_images_mib: mib(images.reduce((sum, c) => sum + c.bytes, 0)),
      component_images: images.length,
      ratio_squashfs_vs_rootfs: r.squashfsBytes / r.rootfsBytes,
      node_strip_mib: strip === undefined ? 'none' : `${mib(strip.before).toFixed(1)}->${mib(strip.after).toFixed(1)}`,
      largest_mib: top,
      init_bundle: cold.manifest.bundle.status,
    })}\n`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
