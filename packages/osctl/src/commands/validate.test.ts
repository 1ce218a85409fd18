import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli.ts';
import { ExitCode, type Io } from '../io.ts';

function capture(cwd: string): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (s) => (out += s), err: (s) => (err += s), env: {}, cwd, stdout: () => out, stderr: () => err };
}

async function workdir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'osctl-validate-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('an unknown or missing mode is a usage error (exit 2)', async (t) => {
  const dir = await workdir(t);
  const io = capture(dir);
  assert.equal(await runCli(['validate', '-c', 'x.yaml', '-m', 'vm'], io), ExitCode.Usage);
  assert.match(io.stderr(), /unknown mode "vm": use one of container, metal, cloud/);
  assert.equal(await runCli(['validate', '-c', 'x.yaml'], capture(dir)), ExitCode.Usage);
});

test('a missing file fails with its name (exit 1)', async (t) => {
  const dir = await workdir(t);
  const io = capture(dir);
  assert.equal(await runCli(['validate', '-c', 'nope.yaml', '-m', 'metal'], io), ExitCode.Failure);
  assert.match(io.stderr(), /cannot read machine config nope\.yaml/);
});

test('structural errors print file:line:column, path and value, and exit 1', async (t) => {
  const dir = await workdir(t);
  await writeFile(
    join(dir, 'bad.yaml'),
    'version: v1alpha1\nmachine:\n  type: worker\n  certSANs:\n    - ok.example.com\n  tokn: abc\n',
  );
  const io = capture(dir);
  assert.equal(await runCli(['validate', '-c', 'bad.yaml', '-m', 'container'], io), ExitCode.Failure);
  assert.match(
    io.stderr(),
    /^bad\.yaml:6:3: error: \[document 0 v1alpha1\] machine\.tokn: unknown field "tokn" \(did you mean "token"\?\)/m,
  );
  assert.match(io.stderr(), /error: bad\.yaml is not valid for container mode: 1 error/);
  assert.equal(io.stdout(), '');
});

test('configs made by osctl gen config are valid in every mode, strictly; broken ones are not', async (t) => {
  const dir = await workdir(t);
  assert.equal(await runCli(['gen', 'config', 'demo', 'https://10.5.0.2:6443', '-o', dir], capture(dir)), ExitCode.Ok);
  for (const file of ['controlplane.yaml', 'worker.yaml']) {
    for (const mode of ['metal', 'container', 'cloud']) {
      const io = capture(dir);
      const code = await runCli(['validate', '-c', file, '-m', mode, '--strict'], io);
      assert.equal(code, ExitCode.Ok, io.stderr());
      assert.equal(io.stdout(), `${file} is valid for ${mode} mode\n`);
    }
  }
  const text = await readFile(join(dir, 'controlplane.yaml'), 'utf8');
  await writeFile(join(dir, 'bad.yaml'), text.replace('https://10.5.0.2:6443', 'https://10.5.0.2'));
  const io = capture(dir);
  assert.equal(await runCli(['validate', '-c', 'bad.yaml', '-m', 'metal'], io), ExitCode.Failure);
  assert.match(
    io.stderr(),
    /bad\.yaml:\d+:\d+: error: \[document 0 v1alpha1\] cluster\.controlPlane\.endpoint: the URL needs an explicit port/,
  );
});

test('--strict turns warnings into errors', async (t) => {
  const dir = await workdir(t);
  assert.equal(await runCli(['gen', 'config', 'demo', 'https://10.5.0.2:6443', '-o', dir], capture(dir)), ExitCode.Ok);
  const text = await readFile(join(dir, 'worker.yaml'), 'utf8');
  await writeFile(
    join(dir, 'old.yaml'),
    text.replace(/^cluster:\n/m, 'cluster:\n    allowSchedulingOnMasters: true\n'),
  );
  const loose = capture(dir);
  assert.equal(await runCli(['validate', '-c', 'old.yaml', '-m', 'metal'], loose), ExitCode.Ok);
  assert.match(loose.stderr(), /warning: .*allowSchedulingOnMasters is deprecated/);
  const strict = capture(dir);
  assert.equal(await runCli(['validate', '-c', 'old.yaml', '-m', 'metal', '--strict'], strict), ExitCode.Failure);
  assert.match(strict.stderr(), /error: .*allowSchedulingOnMasters is deprecated/);
});
