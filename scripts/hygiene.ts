// Conventions that neither the compiler nor the linter checks (STYLE.md): file names, package
// surfaces, focused tests and file size. Prints every finding; exits 1 when any is an error.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..');
const errors: string[] = [];
const notes: string[] = [];
const kebab = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/;
const maxLines = 600;

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'gen' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const packagesDir = join(root, 'packages');
for (const pkg of readdirSync(packagesDir)) {
  const dir = join(packagesDir, pkg);
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) {
    errors.push(`packages/${pkg}: no package.json`);
    continue;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    name?: string;
    exports?: Record<string, string>;
  };
  if (manifest.name !== `@bronze/${pkg}`)
    errors.push(`packages/${pkg}/package.json: name is ${String(manifest.name)}, want @bronze/${pkg}`);
  if (manifest.exports?.['.'] !== './src/index.ts')
    errors.push(`packages/${pkg}/package.json: exports["."] must be ./src/index.ts (the package's one public surface)`);
  if (!existsSync(join(dir, 'src', 'index.ts'))) errors.push(`packages/${pkg}: no src/index.ts`);
}

const files = ['packages', 'scripts', 'bench', 'test'].flatMap((d) => walk(join(root, d)));
for (const file of files) {
  const rel = relative(root, file);
  const base = rel.split('/').at(-1) ?? rel;
  if (!base.endsWith('.ts')) continue;
  if (!kebab.test(base.slice(0, -3))) errors.push(`${rel}: file names are kebab-case`);
  const text = readFileSync(file, 'utf8');
  if (/\b(test|it|describe|suite)\.only\(|\{\s*only:\s*true/.test(text))
    errors.push(`${rel}: focused test (.only) left in`);
  const lines = text.split('\n').length;
  if (lines > maxLines) errors.push(`${rel}: ${lines} lines; split it by concept (limit ${maxLines})`);
  else if (lines > 300) notes.push(`${rel}: ${lines} lines`);
}

// The workplace's duplicates finder, where the machine has it: informative, never failing.
const dup = spawnSync('duplicates', ['--repo', root, '--most', '5', '--seconds', '10'], { encoding: 'utf8' });
if (dup.status === 0 && dup.stdout.trim() !== '' && !dup.stdout.startsWith('no duplicates')) {
  notes.push(`repeated code (look, then share one piece where the logic is the same):\n${dup.stdout.trim()}`);
}

for (const n of notes) process.stdout.write(`hygiene: note: ${n}\n`);
for (const e of errors) process.stderr.write(`hygiene: error: ${e}\n`);
if (errors.length > 0) process.exitCode = 1;
else process.stdout.write(`hygiene: ${files.length} files ok\n`);
