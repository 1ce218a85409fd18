// npm test: every unit and integration test (node:test), then the runner's summary.
// npm run test:e2e: the end-to-end suites (*.e2e.ts): multi-node clusters, Kubernetes, QEMU.
// Extra arguments are passed to node --test (for example --test-name-pattern=etcd).
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const args = process.argv.slice(2);
const e2e = args.includes('--e2e');
const passThrough = args.filter((a) => a !== '--e2e');
const patterns = e2e
  ? ['packages/*/test/**/*.e2e.ts', 'test/**/*.e2e.ts']
  : ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'];
// Integration tests mostly wait on child processes, so run more files at once than there are cores.
const concurrency = process.env['BRONZE_TEST_CONCURRENCY'] ?? String(Math.max(2, availableParallelism()));
const r = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...passThrough, ...patterns],
  { stdio: 'inherit' },
);
process.exitCode = r.status ?? 1;
