// How fast a realistic control-plane config (the talosctl-format fixture: the v1alpha1 document with
// every CA and key, plus a HostnameConfig document) is loaded strictly and validated, in documents
// per second. Peer: the yaml library parsing the same text into plain data, the floor any loader
// pays; the ratio is the cost of strict decoding, positions and validation on top of it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { genConfig, generateSecretsBundle, loadConfig, validateConfig } from '@bronze/machinery';
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

// gen config wall time, in process: fresh secrets (RSA-4096 service-account key generation
// dominates and varies a lot) and --with-secrets (the configs and the admin certificate only),
// each writing controlplane.yaml, worker.yaml and talosconfig to a temp directory.
const genRuns = 10;
const secrets = await generateSecretsBundle();
const genDir = mkdtempSync(join(tmpdir(), 'bronze-bench-gen-'));
const fresh: number[] = [];
const reused: number[] = [];
try {
  for (let i = 0; i < genRuns; i++) {
    for (const [times, withSecrets] of [
      [fresh, undefined],
      [reused, secrets],
    ] as const) {
      const t0 = performance.now();
      await genConfig(
        { clusterName: 'bench', endpoint: 'https://10.5.0.2:6443', ...(withSecrets ? { secrets: withSecrets } : {}) },
        { cwd: genDir, force: true },
      );
      times.push(performance.now() - t0);
    }
  }
} finally {
  rmSync(genDir, { recursive: true, force: true });
}
fresh.sort((a, b) => a - b);
reused.sort((a, b) => a - b);
process.stdout.write(
  `gen config: p50 ${percentile(fresh, 50).toFixed(0)} ms with new secrets (max ${String(Math.round(fresh.at(-1) ?? 0))}), ` +
    `p50 ${percentile(reused, 50).toFixed(1)} ms --with-secrets (${String(genRuns)} runs each)\n`,
);
const figures: Record<string, number> = {
  docs_per_s: docsPerSec,
  config_p50_ms: p50,
  yaml_parse_docs_per_s: peerDocsPerSec,
  ratio_vs_yaml_parse: docsPerSec / peerDocsPerSec,
  gen_config_ms: percentile(fresh, 50),
  gen_config_with_secrets_ms: percentile(reused, 50),
};
process.stdout.write(benchLine('config', figures) + '\n');
