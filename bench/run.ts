// npm run bench -- NAME [args]: runs bench/NAME.ts. Each benchmark prints its figures and ends with
// one line `BENCH <name> key=value ...`, with ratios against a peer measured in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts') && !f.startsWith('lib-'))
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  process.stdout.write(`usage: npm run bench -- NAME [args]\n\nbenchmarks: ${available.join(', ')}\n`);
  process.exitCode = name === undefined ? 2 : 0;
} else if (!existsSync(join(dir, `${name}.ts`))) {
  process.stderr.write(`bench: no benchmark named "${name}"; available: ${available.join(', ')}\n`);
  process.exitCode = 2;
} else {
  const r = spawnSync(process.execPath, [join(dir, `${name}.ts`), ...rest], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
}
