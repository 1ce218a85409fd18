// npm run bench -- components [--force] [NAME...]: builds the named upstream components (default:
// pause and kube-scheduler, the two quickest) into the shared cache .cache/components, then asks
// for each again. cold = seconds of the build that filled the cache (recorded in its entry; with
// --force, rebuilt now; Go's own build cache may still hold shared packages), cached = seconds of
// the second call. The peer is the cold build: ratio = cached / cold.
import { performance } from 'node:perf_hooks';
import { buildComponent, upstreamComponent } from '@bronze/imager';
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
process.stdout.write(
  `${benchLine('components', { ...figures, ratio: coldTotal > 0 ? cachedTotal / coldTotal : 0 })}\n`,
);
