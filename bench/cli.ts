// How long osctl takes to answer a local command (start-up cost that every invocation pays),
// compared with the bare start of the same Node.js binary as the peer.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchLine, percentile } from './lib-stats.ts';

const runs = Number(process.argv[2] ?? '15');
const main = join(import.meta.dirname, '..', 'packages', 'osctl', 'src', 'main.ts');

function time(args: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${String(r.status)}`);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

const bare = time(['-e', '0']);
const osctl = time([main, 'version', '--client']);
const p50 = percentile(osctl, 50);
const bareP50 = percentile(bare, 50);
process.stdout.write(
  `osctl version --client: p50 ${p50.toFixed(1)} ms, p90 ${percentile(osctl, 90).toFixed(1)} ms over ${runs} runs\n`,
);
process.stdout.write(`node -e 0 (peer):       p50 ${bareP50.toFixed(1)} ms\n`);
process.stdout.write(
  benchLine('cli', { runs, osctl_p50_ms: p50, node_p50_ms: bareP50, ratio_vs_bare_node: p50 / bareP50 }) + '\n',
);
