import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli.ts';
import { ExitCode, type Io } from '../io.ts';

const before = `version: v1alpha1
machine:
  type: worker
  certSANs: [a, b]
  network:
    hostname: w0
    interfaces:
      - interface: eth0
        dhcp: true
---
apiVersion: v1alpha1
kind: HostnameConfig
hostname: w0
`;
const after = `version: v1alpha1
machine:
  type: worker
  certSANs: [b]
  network:
    interfaces:
      - interface: eth0
        dhcp: false
      - interface: eth1
---
apiVersion: v1alpha1
kind: ResolverConfig
nameservers:
  - address: 1.1.1.1
`;

function capture(cwd: string): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (s) => (out += s), err: (s) => (err += s), env: {}, cwd, stdout: () => out, stderr: () => err };
}

async function workdir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'osctl-mc-diff-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'old.yaml'), before);
  await writeFile(join(dir, 'new.yaml'), after);
  return dir;
}

test('an unreadable file exits 1 and a bad --color exits 2', async (t) => {
  const dir = await workdir(t);
  const io = capture(dir);
  assert.equal(await runCli(['mc', 'diff', 'old.yaml', 'nope.yaml'], io), ExitCode.Failure);
  assert.match(io.stderr(), /^error: cannot read machine config nope\.yaml: ENOENT: no such file/);
  assert.equal(await runCli(['mc', 'diff', 'old.yaml', 'new.yaml', '--color', 'pink'], capture(dir)), ExitCode.Usage);
});

test('diff prints per-document hunks and exits 0; equal configs print nothing', async (t) => {
  const dir = await workdir(t);
  const io = capture(dir);
  assert.equal(await runCli(['mc', 'diff', 'old.yaml', 'new.yaml'], io), ExitCode.Ok);
  assert.match(io.stdout(), /^--- old\.yaml\tv1alpha1\n\+\+\+ new\.yaml\tv1alpha1\n@@ -1,9 \+1,9 @@\n/);
  assert.match(io.stdout(), /\n--- old\.yaml\tHostnameConfig\n\+\+\+ new\.yaml\t\(no HostnameConfig document\)\n/);
  assert.ok(!io.stdout().includes('\u001b'));
  const same = capture(dir);
  assert.equal(await runCli(['mc', 'diff', 'old.yaml', 'old.yaml'], same), ExitCode.Ok);
  assert.equal(same.stdout(), '');
});

test('diff --patch prints a patch that mc patch turns back into NEW', async (t) => {
  const dir = await workdir(t);
  const io = capture(dir);
  assert.equal(await runCli(['mc', 'diff', '--patch', 'old.yaml', 'new.yaml'], io), ExitCode.Ok);
  const patch = io.stdout();
  assert.match(patch, /apiVersion: v1alpha1\nkind: HostnameConfig\n\$patch: delete\n/);
  assert.match(patch, /hostname:\n\s+\$patch: delete/);
  await writeFile(join(dir, 'p.yaml'), patch);
  const applied = capture(dir);
  assert.equal(await runCli(['mc', 'patch', 'old.yaml', '-p', '@p.yaml'], applied), ExitCode.Ok);
  const back = capture(dir);
  await writeFile(join(dir, 'patched.yaml'), applied.stdout());
  assert.equal(await runCli(['mc', 'diff', '--patch', 'patched.yaml', 'new.yaml'], back), ExitCode.Ok);
  assert.equal(back.stdout(), '');
});
