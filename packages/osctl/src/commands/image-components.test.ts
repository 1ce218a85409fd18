import assert from 'node:assert/strict';
import { test } from 'node:test';
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
  assert.match(io.stdout(), /^containerd\s+\S+\s+debian containerd/m);
});
