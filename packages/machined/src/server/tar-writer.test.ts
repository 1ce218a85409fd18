import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { tarEnd, tarEntry } from './tar-writer.ts';

test('the archive unpacks with tar: directories, files, a symlink and a long name', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-tar-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const long = `top/${'d'.repeat(80)}/${'f'.repeat(90)}.txt`;
  const blocks = [
    ...tarEntry({ name: 'top', mode: 0o755, mtime: 1_700_000_000, type: 'dir' }),
    ...tarEntry({ name: 'top/a.txt', mode: 0o600, mtime: 1_700_000_000, type: 'file', data: Buffer.from('hello\n') }),
    ...tarEntry({ name: 'top/empty', mode: 0o644, mtime: 1_700_000_000, type: 'file', data: Buffer.alloc(0) }),
    ...tarEntry({ name: 'top/link', mode: 0o777, mtime: 1_700_000_000, type: 'symlink', link: 'a.txt' }),
    ...tarEntry({ name: `top/${'d'.repeat(80)}`, mode: 0o755, mtime: 1_700_000_000, type: 'dir' }),
    ...tarEntry({ name: long, mode: 0o644, mtime: 1_700_000_000, type: 'file', data: Buffer.alloc(1000, 120) }),
    tarEnd(),
  ];
  const archive = join(dir, 'a.tar.gz');
  await writeFile(archive, gzipSync(Buffer.concat(blocks)));
  execFileSync('tar', ['-xzf', archive, '-C', dir]);
  assert.equal(await readFile(join(dir, 'top/a.txt'), 'utf8'), 'hello\n');
  assert.equal(await readFile(join(dir, 'top/empty'), 'utf8'), '');
  assert.equal(await readlink(join(dir, 'top/link')), 'a.txt');
  assert.equal((await readFile(join(dir, long))).length, 1000);
});
