import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { tarHeader, tarStream } from './tar.ts';
import { walkTree } from './tree.ts';

async function collect(gen: AsyncGenerator<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of gen) parts.push(b);
  return Buffer.concat(parts);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  return parseInt(h.toString('ascii', 148, 154), 8) === sum;
}

test('tarHeader writes a valid ustar checksum for any name and size', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z0-9._-]{1,99}$/), fc.nat({ max: 2 ** 32 }), (name, size) => {
      const h = tarHeader({ name, mode: 0o755, size, type: '0' });
      assert.equal(h.length, 512);
      assert.ok(checksumOk(h));
      assert.equal(h.toString('ascii', 257, 262), 'ustar');
      assert.equal(parseInt(h.toString('ascii', 124, 135), 8), size);
    }),
  );
});

test('tarStream output is read back by GNU tar: files, dirs, symlinks, a long path, owners and mtime 0', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'imager-tar-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const deep = join('a'.repeat(90), 'b'.repeat(90), 'c'.repeat(90));
  await mkdir(join(root, 'usr', 'bin'), { recursive: true });
  await mkdir(join(root, deep), { recursive: true });
  await writeFile(join(root, 'usr', 'bin', 'tool'), 'x'.repeat(1000), { mode: 0o755 });
  await writeFile(join(root, deep, 'file'), 'deep');
  await symlink('../usr/bin/tool', join(root, 'usr', 'link'));
  const entries = await walkTree(root);
  const tar = await collect(tarStream(root, entries));
  assert.equal(tar.length % 512, 0);
  const r = spawnSync('tar', ['-tvf', '-', '--numeric-owner', '--full-time'], { input: tar, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.ok(
    lines.every((l) => l.includes(' 0/0 ') && l.includes('1970-01-01 00:00:00')),
    r.stdout,
  );
  assert.ok(lines.some((l) => l.startsWith('-rwxr-xr-x') && l.includes(' 1000 ') && l.endsWith('usr/bin/tool')));
  assert.ok(lines.some((l) => l.startsWith('lrwxrwxrwx') && l.endsWith('usr/link -> ../usr/bin/tool')));
  assert.ok(
    lines.some((l) => l.endsWith(`${deep}/file`)),
    'the long path survives through a pax header',
  );
  assert.deepEqual(await collect(tarStream(root, await walkTree(root))), tar, 'same tree, same bytes');
});
