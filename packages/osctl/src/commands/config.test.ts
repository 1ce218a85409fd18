import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClientConfig } from '@bronze/machinery';
import { runCli } from '../cli.ts';
import { ExitCode, type Io } from '../io.ts';

interface Captured extends Io {
  stdout: () => string;
  stderr: () => string;
  reset: () => void;
}

async function workdir(t: { after: (fn: () => Promise<void>) => void }): Promise<Captured> {
  const cwd = await mkdtemp(join(tmpdir(), 'bronze-osctl-config-'));
  t.after(() => rm(cwd, { recursive: true, force: true }));
  let out = '';
  let err = '';
  return {
    out: (s) => (out += s),
    err: (s) => (err += s),
    env: { HOME: cwd },
    cwd,
    stdout: () => out,
    stderr: () => err,
    reset: () => {
      out = '';
      err = '';
    },
  };
}

async function talosconfig(io: Captured, name: string, file: string): Promise<void> {
  const code = await runCli(['gen', 'config', name, 'https://lb:6443', '-t', 'talosconfig', '-o', file], io);
  assert.equal(code, ExitCode.Ok, io.stderr());
}

test('config commands fail clearly without a talosconfig or with an unreadable one', async (t) => {
  const io = await workdir(t);
  assert.equal(await runCli(['config', 'info'], io), ExitCode.Failure);
  assert.match(io.stderr(), /no talosconfig at .*\.talos\/config: create one with "osctl gen config"/);
  await writeFile(join(io.cwd, 'empty'), '');
  assert.equal(await runCli(['--talosconfig', 'empty', 'config', 'contexts'], io), ExitCode.Failure);
  assert.match(io.stderr(), /empty is empty/);
  await mkdir(join(io.cwd, 'dir'));
  assert.equal(await runCli(['config', 'info', '--talosconfig', 'dir'], io), ExitCode.Failure);
  assert.match(io.stderr(), /failed to read talosconfig/);
});

test('lookup order: --talosconfig beats $TALOSCONFIG beats ~/.talos/config', async (t) => {
  const io = await workdir(t);
  await talosconfig(io, 'home', '.talos/config');
  await talosconfig(io, 'env', 'env-config');
  await talosconfig(io, 'flag', 'flag-config');
  io.reset();
  await runCli(['config', 'info'], io);
  assert.match(io.stdout(), /Current context: +home/);
  io.reset();
  await runCli(['config', 'info'], { ...io, env: { ...io.env, TALOSCONFIG: join(io.cwd, 'env-config') } });
  assert.match(io.stdout(), /Current context: +env/);
  io.reset();
  await runCli(['--talosconfig', 'flag-config', 'config', 'info'], {
    ...io,
    env: { ...io.env, TALOSCONFIG: 'env-config' },
  });
  assert.match(io.stdout(), /Current context: +flag/);
});

test('endpoint, node, context, add, remove, merge and contexts edit the file like talosctl', async (t) => {
  const io = await workdir(t);
  const path = join(io.cwd, '.talos', 'config');
  await talosconfig(io, 'demo', path);
  assert.equal(await runCli(['config', 'endpoint', '10.5.0.2', '10.5.0.3'], io), ExitCode.Ok);
  assert.equal(await runCli(['config', 'nodes', '10.5.0.4'], io), ExitCode.Ok);
  let cfg = parseClientConfig(await readFile(path, 'utf8'));
  const demo = cfg.contexts['demo'];
  assert.ok(demo);
  assert.deepEqual(demo.endpoints, ['10.5.0.2', '10.5.0.3']);
  assert.deepEqual(demo.nodes, ['10.5.0.4']);
  assert.equal((await stat(path)).mode & 0o777, 0o600);

  await talosconfig(io, 'demo', 'other');
  io.reset();
  assert.equal(await runCli(['config', 'merge', 'other'], io), ExitCode.Ok);
  assert.match(io.stderr(), /renamed talosconfig context "demo" -> "demo-1"/);
  cfg = parseClientConfig(await readFile(path, 'utf8'));
  assert.equal(cfg.context, 'demo-1');

  assert.equal(await runCli(['config', 'remove', 'demo-1'], io), ExitCode.Failure);
  assert.match(io.stderr(), /is the current context/);
  assert.equal(await runCli(['config', 'context', 'nope'], io), ExitCode.Failure);
  assert.equal(await runCli(['config', 'context', 'demo'], io), ExitCode.Ok);
  assert.equal(await runCli(['config', 'remove', 'demo-1', '--noconfirm'], io), ExitCode.Ok);

  await runCli(['gen', 'ca', '--organization', 'ca'], io);
  assert.equal(
    await runCli(['config', 'add', 'extra', '--ca', 'ca.crt', '--crt', 'ca.crt', '--key', 'ca.key'], io),
    ExitCode.Ok,
  );
  assert.equal(await runCli(['config', 'add', 'extra', '--ca', 'ca.crt'], io), ExitCode.Failure);
  assert.match(io.stderr(), /"extra" already exists/);
  assert.equal(await runCli(['config', 'add', 'broken', '--ca', 'ca.key'], io), ExitCode.Failure);
  io.reset();
  assert.equal(await runCli(['config', 'contexts'], io), ExitCode.Ok);
  assert.match(
    io.stdout(),
    /^CURRENT +NAME +ENDPOINTS +NODES\n\* +demo +10\.5\.0\.2,10\.5\.0\.3 +10\.5\.0\.4\n +extra\n$/,
  );
  io.reset();
  assert.equal(await runCli(['config', 'info'], io), ExitCode.Ok);
  assert.match(io.stdout(), /Roles: +os:admin\n/);
  assert.match(io.stdout(), /Certificate expires: 1 year\(s\) from now/);
});
