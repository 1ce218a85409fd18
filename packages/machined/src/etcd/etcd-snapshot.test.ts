import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EtcdClient } from './etcd-client.ts';
import { isEtcdError } from './etcd-error.ts';
import { saveSnapshot } from './etcd-snapshot.ts';
import { FakeEtcdCluster } from './fake-etcd-client.ts';

function streaming(chunks: readonly Uint8Array[], failAfter?: Error): EtcdClient {
  return {
    ...new FakeEtcdCluster().client('https://10.0.0.1:2379'),
    snapshot: async function* () {
      for (const c of chunks) {
        await Promise.resolve();
        yield c;
      }
      if (failAfter !== undefined) throw failAfter;
    },
  };
}

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-etcd-snap-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a stream cut short fails and leaves no file behind', async (t) => {
  const dir = await tempDir(t);
  const client = streaming([new Uint8Array(40_000).fill(1)], new Error('connection reset by peer'));
  await assert.rejects(
    saveSnapshot(client, join(dir, 'snap.db')),
    (err) => isEtcdError(err, 'snapshot') && err.message.includes('after 40000 bytes'),
  );
  assert.deepEqual(await readdir(dir), []);
});

test('an empty stream is not a snapshot', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(saveSnapshot(streaming([]), join(dir, 'snap.db')), (err) => isEtcdError(err, 'snapshot'));
  assert.deepEqual(await readdir(dir), []);
});

test('an existing file is kept unless forced', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'snap.db');
  await writeFile(path, 'old');
  const client = streaming([new Uint8Array([1, 2, 3])]);
  await assert.rejects(saveSnapshot(client, path), /already exists: choose another path or use --force/);
  assert.equal(await readFile(path, 'utf8'), 'old');
  await saveSnapshot(client, path, { force: true });
  assert.deepEqual([...(await readFile(path))], [1, 2, 3]);
});

test('the saved file is whole, 0600, and matches the reported sha-256', async (t) => {
  const dir = await tempDir(t);
  const chunks = Array.from({ length: 70 }, (_, i) => new Uint8Array(32 * 1024).fill(i));
  const path = join(dir, 'snap.db');
  const r = await saveSnapshot(streaming(chunks), path);
  const data = await readFile(path);
  assert.equal(r.bytes, 70 * 32 * 1024);
  assert.equal(data.length, r.bytes);
  assert.equal(r.sha256, createHash('sha256').update(data).digest('hex'));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
});
