import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli.ts';
import { ExitCode, type Io } from '../io.ts';

const config = `# worker
version: v1alpha1
machine:
  type: worker # role
  network:
    hostname: w0
`;

async function workdir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'osctl-mc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'worker.yaml'), config);
  await writeFile(join(dir, 'host.yaml'), 'machine:\n  network:\n    hostname: w1\n');
  return dir;
}

function capture(cwd: string): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (s) => (out += s), err: (s) => (err += s), env: {}, cwd, stdout: () => out, stderr: () => err };
}

test('a failing patch exits 1, names the operation and writes nothing', async (t) => {
  const dir = await workdir(t);
  const io = capture(dir);
  const code = await runCli(
    ['mc', 'patch', 'worker.yaml', '-p', '[{"op": "remove", "path": "/cluster"}]', '-o', 'out.yaml'],
    io,
  );
  assert.equal(code, ExitCode.Failure);
  assert.match(
    io.stderr(),
    /^error: inline patch 1:1:2: JSON patch operation 0 \(remove \/cluster\) failed: the document has no key "cluster"\n$/,
  );
  assert.deepEqual((await readdir(dir)).sort(), ['host.yaml', 'worker.yaml']);
});

test('a malformed patch file is reported with its name, line and column', async (t) => {
  const dir = await workdir(t);
  await writeFile(join(dir, 'bad.yaml'), 'machine:\n  network: [\n');
  const io = capture(dir);
  assert.equal(await runCli(['machineconfig', 'patch', 'worker.yaml', '-p', '@bad.yaml'], io), ExitCode.Failure);
  assert.match(io.stderr(), /^error: bad\.yaml:\d+:\d+: /);
  assert.equal(io.stdout(), '');
});

test('a missing config or patch file is named; no patch at all is a usage error', async (t) => {
  const dir = await workdir(t);
  const missing = capture(dir);
  assert.equal(await runCli(['mc', 'patch', 'nope.yaml', '-p', '@host.yaml'], missing), ExitCode.Failure);
  assert.match(missing.stderr(), /^error: cannot read machine config nope\.yaml: ENOENT: no such file/);
  const noPatch = capture(dir);
  assert.equal(await runCli(['mc', 'patch', 'worker.yaml', '-p', '@gone.yaml'], noPatch), ExitCode.Failure);
  assert.equal(noPatch.stderr(), 'error: cannot read patch file gone.yaml: no such file\n');
  const usage = capture(dir);
  assert.equal(await runCli(['mc', 'patch', 'worker.yaml'], usage), ExitCode.Usage);
  assert.match(usage.stderr(), /no patch given/);
});

test('-o refuses to replace an existing file without --force, and keeps it', async (t) => {
  const dir = await workdir(t);
  const io = capture(dir);
  assert.equal(
    await runCli(['mc', 'patch', 'worker.yaml', '-p', '@host.yaml', '-o', 'worker.yaml'], io),
    ExitCode.Failure,
  );
  assert.match(io.stderr(), /worker\.yaml already exists: use --force/);
  assert.equal(await readFile(join(dir, 'worker.yaml'), 'utf8'), config);
  assert.equal(
    await runCli(['mc', 'patch', 'worker.yaml', '-p', '@host.yaml', '-o', 'worker.yaml', '--force'], io),
    ExitCode.Ok,
  );
  assert.match(await readFile(join(dir, 'worker.yaml'), 'utf8'), /hostname: w1/);
});

test('patches print to stdout in order, keeping comments', async (t) => {
  const dir = await workdir(t);
  const io = capture(dir);
  const args = [
    'mc',
    'patch',
    'worker.yaml',
    '-p',
    '@host.yaml',
    '-p',
    'host.yaml',
    '-p',
    'machine: {network: {hostname: w2}}',
  ];
  assert.equal(await runCli(args, io), ExitCode.Ok);
  assert.equal(io.stdout(), config.replace('hostname: w0', 'hostname: w2'));
});

test('-o writes the patched config with mode 0600', async (t) => {
  const dir = await workdir(t);
  const io = capture(dir);
  assert.equal(await runCli(['mc', 'patch', 'worker.yaml', '-p', '@host.yaml', '-o', 'w1.yaml'], io), ExitCode.Ok);
  assert.equal(io.stdout(), '');
  assert.match(await readFile(join(dir, 'w1.yaml'), 'utf8'), /hostname: w1/);
  assert.equal((await stat(join(dir, 'w1.yaml'))).mode & 0o777, 0o600);
});

test('with --force, a failing patch still leaves the existing output as it was', async (t) => {
  const dir = await workdir(t);
  await writeFile(join(dir, 'out.yaml'), 'keep me\n');
  const io = capture(dir);
  const args = [
    'mc',
    'patch',
    'worker.yaml',
    '-p',
    '@host.yaml',
    '-p',
    'machine: {a: {$patch: bogus}}',
    '-o',
    'out.yaml',
    '--force',
  ];
  assert.equal(await runCli(args, io), ExitCode.Failure);
  assert.match(io.stderr(), /^error: inline patch 2:1:\d+: "\$patch" must be "delete" or "replace", found "bogus"/);
  assert.equal(await readFile(join(dir, 'out.yaml'), 'utf8'), 'keep me\n');
  assert.deepEqual((await readdir(dir)).sort(), ['host.yaml', 'out.yaml', 'worker.yaml']);
});
