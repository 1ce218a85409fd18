import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { auditRootfs } from './audit.ts';

test('the audit finds a shell, busybox, a missing library and a dangling symlink', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'imager-audit-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'usr/lib/x86_64-linux-gnu'), { recursive: true });
  await writeFile(join(root, 'bin', 'sh'), 'not really');
  await symlink('../bin/sh', join(root, 'usr', 'busybox'));
  await symlink('/nowhere', join(root, 'usr', 'dangling'));
  await copyFile('/lib/x86_64-linux-gnu/libdl.so.2', join(root, 'usr/lib/x86_64-linux-gnu/libdl.so.2'));
  const r = await auditRootfs(root);
  assert.deepEqual(r.errors, [
    '/bin/sh: sh must not be in the image (no shell, no coreutils)',
    '/usr/busybox: busybox must not be in the image (no shell, no coreutils)',
    '/usr/dangling: dangling symlink to /nowhere',
    '/usr/lib/x86_64-linux-gnu/libdl.so.2: needs libc.so.6, which is in none of /lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib64, /lib, /usr/lib',
  ]);
  assert.equal(r.elfFiles, 1);
});

test('the audit passes a tree whose every library is present through symlinks', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'imager-audit-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'lib/x86_64-linux-gnu'), { recursive: true });
  await copyFile('/lib/x86_64-linux-gnu/libdl.so.2', join(root, 'lib/x86_64-linux-gnu/libdl.so.2'));
  await mkdir(join(root, 'usr/lib'), { recursive: true });
  await writeFile(join(root, 'usr/lib/real-libc'), 'stands in for libc');
  await symlink('../../usr/lib/real-libc', join(root, 'lib/x86_64-linux-gnu/libc.so.6'));
  assert.deepEqual((await auditRootfs(root)).errors, []);
});
