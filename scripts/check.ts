// npm run check: every static check CI runs, in one place. Runs them all, then reports each.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

interface Step {
  name: string;
  cmd: string[];
}

const steps: Step[] = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '-b'] },
  { name: 'lint', cmd: ['npx', 'eslint', '--flag', 'unstable_native_nodejs_ts_config', '--max-warnings', '0', '.'] },
  { name: 'format', cmd: ['npx', 'prettier', '--check', '--log-level', 'warn', '.'] },
  {
    name: 'dependencies',
    cmd: ['npx', 'depcruise', '--config', '.dependency-cruiser.json', 'packages', 'scripts', 'bench', 'test'],
  },
  { name: 'hygiene', cmd: ['node', 'scripts/hygiene.ts'] },
  // Regenerates the API code into a temporary directory and fails when the committed copy differs.
  { name: 'proto', cmd: ['node', 'scripts/gen-api.ts', '--check'] },
];

const only = process.argv.slice(2);
const failed: string[] = [];
for (const step of steps) {
  if (only.length > 0 && !only.includes(step.name)) continue;
  const t0 = performance.now();
  process.stdout.write(`check: ${step.name} ...\n`);
  const [bin, ...args] = step.cmd;
  const r = spawnSync(bin!, args, { stdio: 'inherit' });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) {
    process.stdout.write(`check: ${step.name} ok (${secs}s)\n`);
  } else {
    failed.push(step.name);
    process.stdout.write(`check: ${step.name} FAILED (${secs}s)\n`);
  }
}
if (failed.length > 0) {
  process.stderr.write(`check: failed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write('check: all passed\n');
}
