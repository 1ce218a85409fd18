// Runs the real osctl executable (a separate Node process) for the offline gen/config flow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const main = join(import.meta.dirname, '..', 'src', 'main.ts');

function osctl(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, HOME: cwd, TALOSCONFIG: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('osctl gen secrets, gen config and config info work end to end with the right exit codes', (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'bronze-osctl-e2e-'));
  t.after(() => {
    rmSync(cwd, { recursive: true, force: true });
  });
  assert.equal(osctl(cwd, ['gen', 'config', 'demo', 'lb:6443']).status, 2);
  assert.equal(osctl(cwd, ['gen', 'secrets']).status, 0);
  const gen = osctl(cwd, ['gen', 'config', 'demo', 'https://lb:6443', '--with-secrets', 'secrets.yaml']);
  assert.equal(gen.status, 0, gen.stderr);
  assert.match(gen.stderr, /Created .*controlplane\.yaml/);
  assert.deepEqual(readdirSync(cwd).sort(), ['controlplane.yaml', 'secrets.yaml', 'talosconfig', 'worker.yaml']);
  for (const f of readdirSync(cwd)) assert.equal(statSync(join(cwd, f)).mode & 0o777, 0o600, f);
  const again = osctl(cwd, ['gen', 'config', 'demo', 'https://lb:6443']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^error: file .* already exists: use --force to overwrite it\n$/);
  const info = osctl(cwd, ['--talosconfig', 'talosconfig', 'config', 'info']);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /Current context: +demo\n/);
});
