import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  certificateInfo,
  loadConfig,
  parseCertificatePem,
  parseClientConfig,
  parsePrivateKeyPem,
  parseSecretsBundle,
  rolesFromCertificate,
  verifyCertificate,
} from '@bronze/machinery';
import { runCli } from '../cli.ts';
import { ExitCode, type Io } from '../io.ts';

interface Captured extends Io {
  stdout: () => string;
  stderr: () => string;
}

async function workdir(t: { after: (fn: () => Promise<void>) => void }): Promise<Captured> {
  const cwd = await mkdtemp(join(tmpdir(), 'bronze-osctl-gen-'));
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
  };
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

test('gen config refuses a bad endpoint, output type or patch file with exit 2 or 1', async (t) => {
  const io = await workdir(t);
  assert.equal(await runCli(['gen', 'config', 'demo', '10.5.0.2'], io), ExitCode.Usage);
  assert.match(io.stderr(), /try "https:\/\/10\.5\.0\.2:6443"/);
  assert.equal(await runCli(['gen', 'config', 'demo', 'https://lb:6443', '-t', 'kubeconfig'], io), ExitCode.Usage);
  assert.equal(
    await runCli(['gen', 'config', 'demo', 'https://lb:6443', '--config-patch', '@missing.yaml'], io),
    ExitCode.Failure,
  );
  assert.match(io.stderr(), /missing\.yaml/);
  assert.equal(await runCli(['gen', 'config', 'demo'], io), ExitCode.Usage);
  assert.deepEqual(await readdir(io.cwd), []);
});

test('gen secrets then gen config --with-secrets, refusing to overwrite without --force', async (t) => {
  const io = await workdir(t);
  assert.equal(await runCli(['gen', 'secrets'], io), ExitCode.Ok);
  assert.equal(await mode(join(io.cwd, 'secrets.yaml')), 0o600);
  assert.equal(await runCli(['gen', 'secrets'], io), ExitCode.Failure);
  assert.match(io.stderr(), /secrets\.yaml already exists: use --force/);
  const bundle = parseSecretsBundle(await readFile(join(io.cwd, 'secrets.yaml'), 'utf8'));

  await writeFile(join(io.cwd, 'patch.yaml'), 'machine:\n  network:\n    hostname: cp1\n');
  const args = ['gen', 'config', 'demo', 'https://10.5.0.2:6443', '--with-secrets', 'secrets.yaml', '-o', 'out'];
  assert.equal(await runCli([...args, '--config-patch-control-plane', '@patch.yaml'], io), ExitCode.Ok, io.stderr());
  const cp = await readFile(join(io.cwd, 'out', 'controlplane.yaml'), 'utf8');
  assert.ok(cp.includes(`token: ${bundle.trustdInfo.token}`));
  assert.match(cp, /hostname: cp1/);
  assert.deepEqual(loadConfig(cp).errors, []);
  for (const f of ['controlplane.yaml', 'worker.yaml', 'talosconfig'])
    assert.equal(await mode(join(io.cwd, 'out', f)), 0o600);

  assert.equal(
    await runCli(['gen', 'secrets', '--from-controlplane-config', 'out/controlplane.yaml', '-o', 'again.yaml'], io),
    ExitCode.Ok,
  );
  assert.deepEqual(parseSecretsBundle(await readFile(join(io.cwd, 'again.yaml'), 'utf8')), bundle);
  assert.equal(
    await runCli(['gen', 'secrets', '--from-controlplane-config', 'out/worker.yaml', '-o', 'w.yaml'], io),
    ExitCode.Failure,
  );
  assert.match(io.stderr(), /machine\.type is worker/);

  assert.equal(await runCli(args, io), ExitCode.Failure);
  assert.match(io.stderr(), /already exists: use --force/);
  assert.equal(await readFile(join(io.cwd, 'out', 'controlplane.yaml'), 'utf8'), cp);
  assert.equal(await runCli([...args, '--force'], io), ExitCode.Ok);
  assert.doesNotMatch(await readFile(join(io.cwd, 'out', 'controlplane.yaml'), 'utf8'), /hostname: cp1/);
});

test('gen config -t talosconfig -o - prints one output on stdout', async (t) => {
  const io = await workdir(t);
  assert.equal(
    await runCli(['gen', 'config', 'demo', 'https://lb:6443', '-t', 'talosconfig', '-o', '-'], io),
    ExitCode.Ok,
  );
  assert.equal(parseClientConfig(io.stdout()).context, 'demo');
  assert.deepEqual(await readdir(io.cwd), []);
});

test('gen ca, key, csr and crt chain together like talosctl', async (t) => {
  const io = await workdir(t);
  assert.equal(await runCli(['gen', 'ca', '--organization', 'myca', '--hours', '10'], io), ExitCode.Ok, io.stderr());
  assert.deepEqual((await readdir(io.cwd)).sort(), ['myca.crt', 'myca.key', 'myca.sha256']);
  assert.match(await readFile(join(io.cwd, 'myca.sha256'), 'utf8'), /^sha256:[0-9a-f]{64}$/);
  assert.equal(await runCli(['gen', 'key', '--name', 'admin'], io), ExitCode.Ok);
  assert.equal(await mode(join(io.cwd, 'admin.key')), 0o600);
  assert.equal(
    await runCli(['gen', 'csr', '--key', 'admin.key', '--ip', '10.5.0.9', '--roles', 'os:reader'], io),
    ExitCode.Ok,
  );
  assert.equal(
    await runCli(['gen', 'crt', '--ca', 'myca', '--csr', 'admin.csr', '--name', 'admin'], io),
    ExitCode.Ok,
    io.stderr(),
  );
  const crt = parseCertificatePem(await readFile(join(io.cwd, 'admin.crt'), 'utf8'));
  verifyCertificate(crt, {
    roots: [parseCertificatePem(await readFile(join(io.cwd, 'myca.crt'), 'utf8'))],
    usage: 'clientAuth',
  });
  assert.deepEqual(rolesFromCertificate(crt).roles, ['os:reader']);
  assert.deepEqual(certificateInfo(crt).ipAddresses, ['10.5.0.9']);
  assert.equal(parsePrivateKeyPem(await readFile(join(io.cwd, 'admin.key'), 'utf8')).algorithm, 'ed25519');
  assert.equal(await runCli(['gen', 'key', '--name', 'admin'], io), ExitCode.Failure);
});

test('gen csr rejects unknown roles and bad IPs; gen crt rejects a CA whose key does not match', async (t) => {
  const io = await workdir(t);
  await runCli(['gen', 'key', '--name', 'k'], io);
  assert.equal(
    await runCli(['gen', 'csr', '--key', 'k.key', '--ip', '10.0.0.1', '--roles', 'os:root'], io),
    ExitCode.Usage,
  );
  assert.match(io.stderr(), /unknown roles: os:root/);
  assert.equal(await runCli(['gen', 'csr', '--key', 'k.key', '--ip', 'nope'], io), ExitCode.Usage);
  assert.equal(await runCli(['gen', 'csr', '--key', 'k.key', '--ip', '10.0.0.1'], io), ExitCode.Ok);
  await runCli(['gen', 'keypair', '--organization', 'a', '--ip', '10.0.0.2'], io);
  await runCli(['gen', 'keypair', '--organization', 'b'], io);
  assert.deepEqual(certificateInfo(parseCertificatePem(await readFile(join(io.cwd, 'a.crt'), 'utf8'))).ipAddresses, [
    '10.0.0.2',
  ]);
  await writeFile(join(io.cwd, 'a.key'), await readFile(join(io.cwd, 'b.key')));
  assert.equal(await runCli(['gen', 'crt', '--ca', 'a', '--csr', 'k.csr', '--name', 'x'], io), ExitCode.Failure);
  assert.match(io.stderr(), /the key does not match the certificate/);
  await writeFile(join(io.cwd, 'bad.key'), 'garbage');
  assert.equal(await runCli(['gen', 'csr', '--key', 'bad.key', '--ip', '10.0.0.1'], io), ExitCode.Failure);
  assert.match(io.stderr(), /bad\.key: want a PEM/);
});
