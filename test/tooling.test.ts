// The safety nets of `npm run check` must catch what they exist for: a cycle or a forbidden edge
// between packages, and a lint error. Each case plants the fault in a throw-away tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const repo = join(import.meta.dirname, '..');
// Run tool scripts on this Node (the pinned 24), not on whatever `node` their shebang finds.
function tool(name: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const script = realpathSync(join(repo, 'node_modules', '.bin', name));
  return spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8' });
}

function tree(t: { after: (fn: () => void) => void }, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bronze-planted-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function pkg(name: string): string {
  return JSON.stringify({ name: `@bronze/${name}`, type: 'module', exports: { '.': './src/index.ts' } });
}

function depcruise(dir: string): { status: number | null; out: string } {
  copyFileSync(join(repo, '.dependency-cruiser.json'), join(dir, '.dependency-cruiser.json'));
  mkdirSync(join(dir, 'node_modules', '@bronze'), { recursive: true });
  for (const p of ['runtime', 'machinery', 'machined']) {
    symlinkSync(join(dir, 'packages', p), join(dir, 'node_modules', '@bronze', p));
  }
  const r = tool('depcruise', ['--config', '.dependency-cruiser.json', 'packages'], dir);
  return { status: r.status, out: r.stdout + r.stderr };
}

const base = {
  'packages/runtime/package.json': pkg('runtime'),
  'packages/machinery/package.json': pkg('machinery'),
  'packages/machined/package.json': pkg('machined'),
  'packages/machined/src/index.ts': "import { m } from '@bronze/machinery';\nexport const d = m;\n",
};

test('the dependency check passes on the allowed direction', (t) => {
  const dir = tree(t, {
    ...base,
    'packages/runtime/src/index.ts': 'export const r = 1;\n',
    'packages/machinery/src/index.ts': "import { r } from '@bronze/runtime';\nexport const m = r;\n",
  });
  const r = depcruise(dir);
  assert.equal(r.status, 0, r.out);
});

test('the dependency check fails on a planted cycle between two packages', (t) => {
  const dir = tree(t, {
    ...base,
    'packages/runtime/src/index.ts':
      "import { m } from '@bronze/machinery';\nexport const r = 1;\nexport const mm = m;\n",
    'packages/machinery/src/index.ts': "import { r } from '@bronze/runtime';\nexport const m = r;\n",
  });
  const r = depcruise(dir);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /no-cycles/);
  assert.match(r.out, /runtime-is-generic/);
});

test('the dependency check fails when anything imports machined, or reaches past an index', (t) => {
  const dir = tree(t, {
    ...base,
    'packages/runtime/src/index.ts': 'export const r = 1;\n',
    'packages/machined/src/internal.ts': 'export const secret = 1;\n',
    'packages/machinery/src/index.ts':
      "import { secret } from '../../machined/src/internal.ts';\nimport { r } from '@bronze/runtime';\nexport const m = r + secret;\n",
  });
  const r = depcruise(dir);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /machinery-edges/);
  assert.match(r.out, /no-deep-imports/);
});

test('the linter fails on a planted floating promise and a default export', (t) => {
  const dir = tree(t, {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', target: 'es2024', types: [], noEmit: true },
      include: ['*.ts'],
    }),
    'planted.ts': 'async function work(): Promise<void> {}\nwork();\nexport default work;\n',
  });
  const r = tool(
    'eslint',
    [
      '--flag',
      'unstable_native_nodejs_ts_config',
      '--config',
      join(repo, 'eslint.config.ts'),
      '--no-ignore',
      'planted.ts',
    ],
    dir,
  );
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /no-floating-promises/);
  assert.match(r.stdout, /use named exports/);
});
