// How fast a realistic control-plane config (the talosctl-format fixture: the v1alpha1 document with
// every CA and key, plus a HostnameConfig document) is loaded strictly and validated, in documents
// per second. Peer: the yaml library parsing the same text into plain data, the floor any loader
// pays; the ratio is the cost of strict decoding, positions and validation on top of it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { loadConfig, validateConfig } from '@bronze/machinery';
import { benchLine, percentile } from './lib-stats.ts';

const seconds = Number(process.argv[2] ?? '2');
const text = readFileSync(
  join(import.meta.dirname, '..', 'packages', 'machinery', 'src', 'config', 'testdata', 'controlplane.yaml'),
  'utf8',
);

/** Runs `fn` repeatedly for about `seconds`; returns per-run times in ms, sorted. */
function measure(fn: () => number): { times: number[]; docs: number; elapsed: number } {
  for (let i = 0; i < 50; i++) fn(); // warm-up
  const times: number[] = [];
  let docs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const t0 = performance.now();
    docs += fn();
    times.push(performance.now() - t0);
  }
  return { times: times.sort((a, b) => a - b), docs, elapsed: performance.now() - start };
}

const ours = measure(() => {
  const r = loadConfig(text, { source: 'controlplane.yaml' });
  if (r.config === undefined) throw new Error(`fixture does not load: ${JSON.stringify(r.errors)}`);
  const v = validateConfig(r.config, { mode: 'metal', strict: true });
  if (v.errors.length > 0) throw new Error(`fixture is not valid: ${JSON.stringify(v.errors)}`);
  return r.config.documents.length;
});
const peer = measure(() => {
  const docs = parseAllDocuments(text);
  for (const d of docs) d.toJS();
  return docs.length;
});

const docsPerSec = ours.docs / (ours.elapsed / 1000);
const peerDocsPerSec = peer.docs / (peer.elapsed / 1000);
const p50 = percentile(ours.times, 50);
process.stdout.write(
  `load+validate (metal, strict): ${docsPerSec.toFixed(0)} documents/s, p50 ${p50.toFixed(3)} ms, ` +
    `p90 ${percentile(ours.times, 90).toFixed(3)} ms per config (${String(ours.times.length)} runs)\n`,
);
process.stdout.write(`yaml parse only (peer):       ${peerDocsPerSec.toFixed(0)} documents/s\n`);

// gen config wall time: added by the engineer who owns packages/machinery/src/generate, as
// `gen_config_ms=...` in the figures below.
const figures: Record<string, number> = {
  docs_per_s: docsPerSec,
  config_p50_ms: p50,
  yaml_parse_docs_per_s: peerDocsPerSec,
  ratio_vs_yaml_parse: docsPerSec / peerDocsPerSec,
};
process.stdout.write(benchLine('config', figures) + '\n');
