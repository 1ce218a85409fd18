import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultComponentCache } from '@bronze/imager';
import { runCli } from '../cli.ts';
import { ExitCode } from '../io.ts';
import type { Io } from '../io.ts';

function captured(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (s) => (out += s),
    err: (s) => (err += s),
    env: { HOME: '/nonexistent' },
    cwd: process.cwd(),
    stdout: () => out,
    stderr: () => err,
  };
}

test('building an unknown component is a usage error naming the known ones', async () => {
  const io = captured();
  const code = await runCli(['image', 'components', 'build', 'kube-nope'], io);
  assert.equal(code, ExitCode.Usage);
  assert.match(io.stderr(), /unknown component kube-nope; known: pause, kube-scheduler/);
});

test('the list shows every pinned component with its source', async () => {
  const io = captured();
  assert.equal(await runCli(['image', 'components', 'list'], io), ExitCode.Ok);
  assert.match(io.stdout(), /^kubelet\s+v1\.34\.\d+\s+go k8s\.io\/kubernetes\/cmd\/kubelet/m);
  assert.match(io.stdout(), /^pause\s+3\.10\.1\s+gcc k8s\.io\/kubernetes@v1\.34\.\d+\/build\/pause\/linux\/pause\.c/m);
  assert.match(
    io.stdout(),
    /^containerd\s+v2\.1\.\d+\s+go github\.com\/containerd\/containerd\/v2\/cmd\/containerd\s+084be7e14783/m,
  );
  assert.match(io.stdout(), /^runc\s+\S+\s+debian runc/m);
});

test('an unknown component image is a usage error naming the known ones', async () => {
  const io = captured();
  const code = await runCli(['image', 'components', 'images', 'kube-nope'], io);
  assert.equal(code, ExitCode.Usage);
  assert.match(io.stderr(), /unknown component image kube-nope; known: kube-apiserver, .*agnhost/);
});

test('images names a missing binary and the command that builds it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'osctl-images-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const io = captured();
  const args = ['image', 'components', 'images', 'pause', '--component-cache', join(dir, 'c')];
  const code = await runCli([...args, '--image-cache', join(dir, 'i')], io);
  assert.equal(code, ExitCode.Failure);
  assert.match(io.stderr(), /pause 3\.10\.1 is not built yet: run osctl image components build pause/);
});

const pauseBuilt = existsSync(join(defaultComponentCache, 'pause-3.10.1', 'pause'))
  ? false
  : 'pause is not built: osctl image components build pause';

test('images prints the pause image with its size and digest, the same twice', { skip: pauseBuilt }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'osctl-images-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const run = async (): Promise<{ ref: string; bytes: number; manifestDigest: string; cached: boolean }[]> => {
    const io = captured();
    const code = await runCli(['image', 'components', 'images', 'pause', '--json', '--image-cache', dir], io);
    assert.equal(code, ExitCode.Ok, io.stderr());
    return JSON.parse(io.stdout()) as { ref: string; bytes: number; manifestDigest: string; cached: boolean }[];
  };
  const [first] = await run();
  const [second] = await run();
  assert.equal(first?.ref, 'registry.k8s.io/pause:3.10.1');
  assert.match(first.manifestDigest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(first.cached, false);
  assert.equal(second?.cached, true);
  assert.equal(second.manifestDigest, first.manifestDigest);
  const io = captured();
  assert.equal(await runCli(['image', 'components', 'images', 'pause', '--image-cache', dir], io), ExitCode.Ok);
  assert.match(io.stdout(), /^registry\.k8s\.io\/pause:3\.10\.1\s+0\.3 MiB\s+sha256:[0-9a-f]{64}\s+\//m);
});
