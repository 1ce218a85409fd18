import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './cli.ts';
import { ExitCode, type Io } from './io.ts';

function capture(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: {},
    cwd: '/',
    stdout: () => out,
    stderr: () => err,
  };
}

test('--help lists the command groups and exits 0', async () => {
  const io = capture();
  assert.equal(await runCli(['--help'], io), ExitCode.Ok);
  for (const group of [
    'Local cluster lifecycle:',
    'Manage running nodes:',
    'Generate and manage configuration offline:',
  ]) {
    assert.match(io.stdout(), new RegExp(group));
  }
  assert.match(io.stdout(), /apply-config\|apply/);
  assert.doesNotMatch(io.stdout(), /__complete/);
});

test('every command has --help that exits 0', async () => {
  const root = capture();
  await runCli(['__complete', '--'], root);
  const names = root
    .stdout()
    .split('\n')
    .filter((w) => w !== '' && !w.startsWith('-'));
  assert.ok(names.length > 20);
  for (const name of names) {
    const io = capture();
    assert.equal(await runCli([name, '--help'], io), ExitCode.Ok, name);
    assert.match(io.stdout(), new RegExp(`Usage: osctl ${name}`));
  }
});

test('version --client prints the client version', async () => {
  const io = capture();
  assert.equal(await runCli(['version', '--client'], io), ExitCode.Ok);
  assert.match(io.stdout(), /^Client:\n\tTag: +v\d+\.\d+\.\d+/);
  assert.match(io.stdout(), /OS\/Arch: +linux\//);
});

test('usage errors exit 2 and name the problem', async () => {
  const unknown = capture();
  assert.equal(await runCli(['no-such-command'], unknown), ExitCode.Usage);
  assert.match(unknown.stderr(), /unknown command 'no-such-command'/);

  const flag = capture();
  assert.equal(await runCli(['version', '--no-such-flag'], flag), ExitCode.Usage);
  assert.match(flag.stderr(), /unknown option '--no-such-flag'/);

  const shell = capture();
  assert.equal(await runCli(['completion', 'fish'], shell), ExitCode.Usage);
  assert.match(shell.stderr(), /Allowed choices are bash, zsh/);
});

test('a failing command exits 1 with the reason on stderr', async () => {
  const io = capture();
  assert.equal(await runCli(['version', '--talosconfig', '/nonexistent/talosconfig'], io), ExitCode.Failure);
  assert.match(io.stderr(), /^error: no talosconfig at \/nonexistent\/talosconfig: create one/);
});
