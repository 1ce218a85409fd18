import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { normalizeDirModes } from './rootfs.ts';

test('normalizeDirModes gives every directory 0755 and /tmp 1777 whatever the umask made', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'imager-rootfs-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'etc', 'ssl', 'certs'), { recursive: true, mode: 0o700 });
  await mkdir(join(root, 'tmp'), { mode: 0o700 });
  await normalizeDirModes(root);
  const mode = async (p: string): Promise<number> => (await stat(join(root, p))).mode & 0o7777;
  assert.equal(await mode('.'), 0o755);
  for (const d of ['etc', 'etc/ssl', 'etc/ssl/certs']) assert.equal(await mode(d), 0o755, d);
  assert.equal(await mode('tmp'), 0o1777);
});
