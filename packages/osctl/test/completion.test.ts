// Runs the generated completion scripts in real shells against the real osctl executable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'osctl');

function withOsctlOnPath(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bronze-completion-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  symlinkSync(bin, join(dir, 'osctl'));
  return `${dir}:${process.env['PATH'] ?? ''}`;
}

test('bash completion offers subcommands of the word typed so far', (t) => {
  const PATH = withOsctlOnPath(t);
  const script = `
    source <(osctl completion bash)
    COMP_WORDS=(osctl ver); COMP_CWORD=1; _osctl_complete; printf '%s\\n' "\${COMPREPLY[@]}"
    echo ---
    COMP_WORDS=(osctl version --c); COMP_CWORD=2; _osctl_complete; printf '%s\\n' "\${COMPREPLY[@]}"
  `;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH } });
  assert.equal(r.status, 0, r.stderr);
  const [first, second] = r.stdout.split('---\n');
  assert.deepEqual(first?.trim().split('\n'), ['version']);
  // global flags (here --context) complete after a subcommand too
  assert.deepEqual(second?.trim().split('\n'), ['--client', '--context']);
});

test('zsh completion script is valid zsh when zsh is installed', (t) => {
  const which = spawnSync('sh', ['-c', 'command -v zsh'], { encoding: 'utf8' });
  if (which.status !== 0) {
    t.skip('zsh is not installed (scripts/setup-host installs it)');
    return;
  }
  const PATH = withOsctlOnPath(t);
  const r = spawnSync(
    'zsh',
    ['-c', 'autoload -U compinit && compinit -u && source <(osctl completion zsh) && whence -w _osctl_complete'],
    {
      encoding: 'utf8',
      env: { ...process.env, PATH },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /_osctl_complete: function/);
});

test('the executable maps exit codes: 0 ok, 1 failure, 2 usage', () => {
  assert.equal(spawnSync(bin, ['version', '--client']).status, 0);
  assert.equal(spawnSync(bin, ['version']).status, 1);
  assert.equal(spawnSync(bin, ['--nope']).status, 2);
});
