// npm run bench -- components [--force] [NAME...]: builds the named upstream components (default:
// pause and kube-scheduler, the two quickest) into the shared cache .cache/components, then asks
// for each again. cold = seconds of the build that filled the cache (recorded in its entry; with
// --force, rebuilt now; Go's own build cache may still hold shared packages), cached = seconds of
// the second call. The peer is the cold build: ratio = cached / cold.
// Then the component images (scratch + binary OCI archives, from the binaries already cached):
// images_cold_s writes every archive into a fresh cache, images_cached_s asks again; each image's
// archive size in MiB. Missing binaries skip the images (osctl image components build builds them).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildComponent, buildComponentImages, isImageError, upstreamComponent } from '@bronze/imager';
import { benchLine } from './lib-stats.ts';

const args = process.argv.slice(2);
const force = args.includes('--force');
const names = args.filter((a) => !a.startsWith('--'));
const chosen = names.length > 0 ? names : ['pause', 'kube-scheduler'];
const ac = new AbortController();
process.once('SIGINT', () => {
  ac.abort(new Error('interrupted'));
});

const figures: Record<string, number> = {};
let coldTotal = 0;
let cachedTotal = 0;
for (const name of chosen) {
  const c = upstreamComponent(name);
  if (c === undefined) {
    process.stderr.write(`bench components: unknown component ${name}\n`);
    process.exit(2);
  }
  const first = await buildComponent(c, {
    force,
    signal: ac.signal,
    onProgress: (l) => process.stderr.write(`${l}\n`),
  });
  const t = performance.now();
  const again = await buildComponent(c, { signal: ac.signal });
  const cachedS = (performance.now() - t) / 1000;
  if (!again.cached || again.sha256 !== first.sha256)
    throw new Error(`${name}: the second call did not come from the cache`);
  const sizeMb = first.size / 1e6;
  process.stdout.write(
    `${name} ${c.version}: cold ${first.buildSeconds.toFixed(1)} s${first.cached ? ' (recorded)' : ''}, cached ${cachedS.toFixed(2)} s, ` +
      `${sizeMb.toFixed(1)} MB, sha256 ${first.sha256}, ${first.toolchain}, checksum ${first.checksum}\n`,
  );
  const key = name.replace(/-/g, '_');
  figures[`${key}_cold_s`] = first.buildSeconds;
  figures[`${key}_cached_s`] = cachedS;
  figures[`${key}_mb`] = sizeMb;
  coldTotal += first.buildSeconds;
  cachedTotal += cachedS;
}
async function imageFigures(): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-component-images-'));
  try {
    const opts = { imageCache: dir, cachedBinariesOnly: true, signal: ac.signal };
    let t = performance.now();
    const cold = await buildComponentImages(opts);
    const coldS = (performance.now() - t) / 1000;
    t = performance.now();
    const again = await buildComponentImages(opts);
    const cachedS = (performance.now() - t) / 1000;
    if (again.some((i, n) => !i.cached || i.sha256 !== cold[n]?.sha256))
      throw new Error('the second images call did not come from the cache with the same bytes');
    const out: Record<string, number | string> = { images_cold_s: coldS, images_cached_s: cachedS };
    let total = 0;
    for (const i of cold) {
      process.stdout.write(`${i.ref}: ${(i.bytes / 1048576).toFixed(1)} MiB, ${i.manifestDigest}\n`);
      out[`image_${i.name.replace(/-/g, '_')}_mib`] = i.bytes / 1048576;
      total += i.bytes;
    }
    out['images_mib'] = total / 1048576;
    return out;
  } catch (err) {
    if (!isImageError(err) || err.code !== 'missing-input') throw err;
    process.stderr.write(`bench components: images skipped: ${err.message}\n`);
    return { images: 'skipped' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const images = await imageFigures();
process.stdout.write(
  `${benchLine('components', { ...figures, ...images, ratio: coldTotal > 0 ? cachedTotal / coldTotal : 0 })}\n`,
);
