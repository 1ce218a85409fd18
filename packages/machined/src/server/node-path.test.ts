import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isApiError } from '@bronze/machinery';
import { nodePathOf, resolveNodePath } from './node-path.ts';

test('paths resolve under the root; escapes through .. or a symlink are refused', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bronze-root-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'var/log'), { recursive: true });
  await writeFile(join(root, 'var/log/a'), 'x');
  await symlink('/etc', join(root, 'var/escape'));
  await assert.rejects(resolveNodePath(root, '/var/escape/passwd'), (err) => isApiError(err, 'permission-denied'));
  await assert.rejects(resolveNodePath(root, '../../etc/passwd'), (err) => isApiError(err, 'not-found'));
  await assert.rejects(resolveNodePath(root, ''), (err) => isApiError(err, 'invalid-argument'));
  const p = await resolveNodePath(root, 'var//log/../log/a');
  assert.equal(p.node, '/var/log/a');
  assert.equal(p.host, join(root, 'var/log/a'));
  assert.equal(nodePathOf(root, p.host), '/var/log/a');
  assert.equal(nodePathOf(root, root), '/');
});
