import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli.ts';
import { ExitCode, type Io } from '../io.ts';

interface Captured extends Io {
  stdout: () => string;
  stderr: () => string;
  reset: () => void;
}

async function workdir(t: TestContext): Promise<Captured> {
  const cwd = await mkdtemp(join(tmpdir(), 'bronze-osctl-image-'));
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

/** A stand-in image, two signing keys and a signature of the image by the first. */
async function signed(t: TestContext): Promise<Captured> {
  const io = await workdir(t);
  await writeFile(join(io.cwd, 'img'), Buffer.alloc(50_000, 3));
  assert.equal(await runCli(['gen', 'key', '--name', 'signer'], io), ExitCode.Ok);
  assert.equal(await runCli(['gen', 'key', '--name', 'other'], io), ExitCode.Ok);
  assert.equal(
    await runCli(['image', 'sign', '--key', 'signer.key', '--pub-out', 'signer.pub', 'img'], io),
    ExitCode.Ok,
  );
  io.reset();
  return io;
}

test('image verify exits 1 naming the file when a byte of the image changed', async (t) => {
  const io = await signed(t);
  const data = await readFile(join(io.cwd, 'img'));
  data[123] = 4;
  await writeFile(join(io.cwd, 'img'), data);
  assert.equal(await runCli(['image', 'verify', '--pub', 'signer.pub', 'img'], io), ExitCode.Failure);
  assert.match(
    io.stderr(),
    /^error: .*\/img does not match its signature .*\/img\.sig: the file has sha256 [0-9a-f]{64}/,
  );
});

test('image verify exits 1 when another key signed', async (t) => {
  const io = await signed(t);
  assert.equal(await runCli(['image', 'verify', '--pub', 'other.key', 'img'], io), ExitCode.Failure);
  assert.match(io.stderr(), /img\.sig does not verify with .*other\.key: it was made by key [0-9a-f]{16}/);
});

test('image sign refuses a key readable by others, and an existing signature without --force', async (t) => {
  const io = await signed(t);
  assert.equal(await runCli(['image', 'sign', '--key', 'signer.key', 'img'], io), ExitCode.Failure);
  assert.match(io.stderr(), /img\.sig/);
  assert.equal(await runCli(['image', 'sign', '--key', 'signer.key', '--force', 'img'], io), ExitCode.Ok);
  await chmod(join(io.cwd, 'signer.key'), 0o644);
  io.reset();
  assert.equal(await runCli(['image', 'sign', '--key', 'signer.key', '--force', 'img'], io), ExitCode.Failure);
  assert.match(io.stderr(), /signer\.key is readable by others \(mode 0644\); restrict it with: chmod 600/);
});

test('image sign and verify round-trip; the signature and public key are written 0600', async (t) => {
  const io = await signed(t);
  assert.equal((await stat(join(io.cwd, 'img.sig'))).mode & 0o777, 0o600);
  assert.equal((await stat(join(io.cwd, 'signer.pub'))).mode & 0o777, 0o600);
  assert.equal(await runCli(['image', 'verify', '--pub', 'signer.pub', 'img'], io), ExitCode.Ok);
  assert.match(io.stdout(), /^verified .*\/img\nsha256 [0-9a-f]{64}\n$/);
  assert.equal(await runCli(['image', 'verify', 'img'], io), ExitCode.Usage);
});

test('image build refuses to replace a different image in --out without --force', async (t) => {
  const io = await workdir(t);
  const out = join(io.cwd, 'out');
  await mkdir(out);
  await writeFile(join(out, 'manifest.json'), JSON.stringify({ key: 'an-older-image' }));
  await writeFile(join(out, 'rootfs.squashfs'), 'old');
  assert.equal(await runCli(['image', 'build', '--out', 'out'], io), ExitCode.Failure);
  assert.match(
    io.stderr(),
    /error: .*\/out already holds a different image \(an-older-image\); pass --force to replace it/,
  );
  assert.equal(await readFile(join(out, 'rootfs.squashfs'), 'utf8'), 'old');
});
