// How fast a strategic merge patch applies to a realistic control-plane config (the talosctl-format
// fixture: 4-space indentation, comments, base64 PEM blocks, two documents), keeping the source
// text of untouched lines. Peer: the yaml library parsing the same text and writing it back, the
// floor of any comment-preserving patcher. Also times `mc diff` and `mc diff --patch` on the pair.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { applyConfigPatches, diffConfigs, parsePatch, strategicPatchBetween } from '@bronze/machinery';
import { benchLine, percentile } from './lib-stats.ts';

const seconds = Number(process.argv[2] ?? '2');
const text = readFileSync(
  join(import.meta.dirname, '..', 'packages', 'machinery', 'src', 'config', 'testdata', 'controlplane.yaml'),
  'utf8',
);
const patch = parsePatch(
  `machine:
  network:
    hostname: cp1
    interfaces:
      - interface: eth0
        addresses: [10.5.0.2/24]
        vip: {ip: 10.5.0.10}
  certSANs: [10.5.0.10]
cluster:
  network:
    podSubnets: [10.200.0.0/16]
`,
  'bench-patch.yaml',
);

/** Runs `fn` repeatedly for about `seconds`; returns per-run times in ms, sorted, and runs per second. */
function measure(fn: () => void): { times: number[]; perSecond: number } {
  for (let i = 0; i < 30; i++) fn(); // warm-up
  const times: number[] = [];
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return { times: times.sort((a, b) => a - b), perSecond: (times.length * 1000) / (performance.now() - start) };
}

const patched = applyConfigPatches(text, [patch]);
const ours = measure(() => applyConfigPatches(text, [patch]));
const peer = measure(() => {
  for (const doc of parseAllDocuments(text)) doc.toString();
});
const diff = measure(() => diffConfigs(text, patched));
const between = measure(() => strategicPatchBetween(text, patched));

const p50 = (m: { times: number[] }): number => percentile(m.times, 50);
process.stdout.write(`config: ${text.length} bytes, ${text.split('\n').length} lines\n`);
process.stdout.write(`patch applied:        ${ours.perSecond.toFixed(0)}/s (p50 ${p50(ours).toFixed(2)} ms)\n`);
process.stdout.write(`yaml parse+write:     ${peer.perSecond.toFixed(0)}/s (p50 ${p50(peer).toFixed(2)} ms, peer)\n`);
process.stdout.write(`mc diff:              p50 ${p50(diff).toFixed(2)} ms\n`);
process.stdout.write(`mc diff --patch:      p50 ${p50(between).toFixed(2)} ms\n`);
process.stdout.write(
  benchLine('patch', {
    patches_per_s: ours.perSecond,
    yaml_roundtrips_per_s: peer.perSecond,
    ratio_vs_yaml_roundtrip: peer.perSecond / ours.perSecond,
    diff_p50_ms: p50(diff),
    diff_patch_p50_ms: p50(between),
  }) + '\n',
);
