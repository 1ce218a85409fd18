import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { syncFiles } from './file-sync.ts';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-sync-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const options = { fileMode: 0o600, dirMode: 0o700, owned: (n: string) => n.endsWith('.yaml') };

test('nothing to write into a missing directory creates nothing', async (t) => {
  const dir = join(await tempDir(t), 'absent');
  assert.deepEqual(await syncFiles(dir, {}, options), { written: [], removed: [] });
  await assert.rejects(readdir(dir), { code: 'ENOENT' });
});

test('writes what differs in content or mode, removes only owned strays, leaves the rest', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'same.yaml'), 'a', { mode: 0o600 });
  await writeFile(join(dir, 'mode.yaml'), 'b', { mode: 0o644 });
  await chmod(join(dir, 'mode.yaml'), 0o644);
  await writeFile(join(dir, 'stale.yaml'), 'x');
  await writeFile(join(dir, 'foreign.txt'), 'y');
  const before = (await stat(join(dir, 'same.yaml'))).mtimeMs;
  const result = await syncFiles(dir, { 'same.yaml': 'a', 'mode.yaml': 'b', 'new.yaml': 'c' }, options);
  assert.deepEqual(result.written.sort(), ['mode.yaml', 'new.yaml']);
  assert.deepEqual(result.removed, ['stale.yaml']);
  assert.deepEqual((await readdir(dir)).sort(), ['foreign.txt', 'mode.yaml', 'new.yaml', 'same.yaml']);
  assert.equal((await stat(join(dir, 'same.yaml'))).mtimeMs, before);
  assert.equal((await stat(join(dir, 'mode.yaml'))).mode & 0o777, 0o600);
  assert.equal(await readFile(join(dir, 'new.yaml'), 'utf8'), 'c');
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
});

test('an aborted sync writes nothing', async (t) => {
  const dir = await tempDir(t);
  const signal = AbortSignal.abort(new Error('stop'));
  await assert.rejects(syncFiles(dir, { 'a.yaml': 'a' }, { ...options, signal }), /stop/);
  assert.deepEqual(await readdir(dir), []);
});

test('nested: names are paths, modes per file, and a directory emptied by the sync goes', async (t) => {
  const dir = await tempDir(t);
  const nested = { ...options, fileMode: 0o644, dirMode: 0o755, owned: () => true, nested: true };
  const first = await syncFiles(
    dir,
    { 'a.io/hosts.toml': 'a', 'b.io/hosts.toml': 'b', 'b.io/client.key': { content: 'k', mode: 0o600 } },
    nested,
  );
  assert.deepEqual(first.written.sort(), ['a.io/hosts.toml', 'b.io/client.key', 'b.io/hosts.toml']);
  assert.equal((await stat(join(dir, 'b.io/client.key'))).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, 'a.io/hosts.toml'))).mode & 0o777, 0o644);
  const second = await syncFiles(dir, { 'a.io/hosts.toml': 'a' }, nested);
  assert.deepEqual(second, { written: [], removed: ['b.io/client.key', 'b.io/hosts.toml'] });
  assert.deepEqual(await readdir(dir), ['a.io']);
});
