// Snapshots of a real etcd: streamed with a checksum, restored by bootstrap into a fresh
// single-member cluster; and the refusals that protect existing data.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DefaultEtcdPath, etcdVersion } from '../src/etcd/etcd-binary.ts';
import { bootstrap, type BootstrapOptions } from '../src/etcd/etcd-bootstrap.ts';
import { isEtcdError } from '../src/etcd/etcd-error.ts';
import { restoreSnapshot, saveSnapshot } from '../src/etcd/etcd-snapshot.ts';
import { EtcdNode, logger, loopbackSubnet, newEtcdCa } from './etcd-fixture.ts';

/** The host's etcd (Debian 3.4, restored with etcdctl) and the node image's (3.6.5, with etcdutl) when built. */
const built = join(import.meta.dirname, '..', '..', '..', '.cache', 'components', 'etcd-v3.6.5', 'etcd');
const builtUtl = join(import.meta.dirname, '..', '..', '..', '.cache', 'components', 'etcdutl-v3.6.5', 'etcdutl');
const etcds: { binary: string; tool: string | undefined; skip: string | false }[] = [
  {
    binary: DefaultEtcdPath,
    tool: undefined,
    skip: (await etcdVersion(DefaultEtcdPath).catch(() => undefined)) === undefined ? 'no etcd binary' : false,
  },
  {
    binary: built,
    tool: builtUtl,
    skip:
      existsSync(built) && existsSync(builtUtl)
        ? false
        : 'etcd and etcdutl 3.6.5 are not built: osctl image components build etcd etcdutl',
  },
];

function bootstrapOf(node: EtcdNode, signal: AbortSignal): BootstrapOptions {
  return {
    name: node.name,
    peerUrl: node.peerUrl,
    dataDir: node.paths.dataDir,
    running: async () =>
      node.proc !== undefined &&
      (await node
        .client()
        .status()
        .then(
          () => true,
          () => false,
        )),
    start: (l, s) => node.start(l, s),
    logger,
    signal,
  };
}

for (const etcd of etcds)
  test(
    `${etcd.binary}: a snapshot restores into a fresh cluster; existing data is never overwritten`,
    { skip: etcd.skip, timeout: 60_000 },
    async (t) => {
      const tool = etcd.tool === undefined ? {} : { etcdctl: etcd.tool };
      const ca = await newEtcdCa();
      const net = loopbackSubnet();
      const a = await EtcdNode.create(ca, { name: 'old-1', address: `${net}.11`, binary: etcd.binary });
      const b = await EtcdNode.create(ca, { name: 'new-1', address: `${net}.12`, binary: etcd.binary });
      t.after(() => Promise.all([a.destroy(), b.destroy()]));
      const signal = AbortSignal.timeout(55_000);
      const file = join(a.root, 'snapshot.db');

      await t.test('snapshot streams the database with the sha-256 of what was written', async () => {
        await bootstrap(bootstrapOf(a, signal));
        const client = a.client();
        for (let i = 0; i < 200; i++) await client.put(`/keys/${String(i).padStart(3, '0')}`, `value-${i}`);
        const r = await saveSnapshot(client, file, { signal });
        const data = await readFile(file);
        assert.equal(r.bytes, data.length);
        assert.equal(r.sha256, createHash('sha256').update(data).digest('hex'));
        assert.equal((await stat(file)).mode & 0o777, 0o600);
      });

      await t.test('bootstrap with recovery restores the keys into a new single-member cluster', async () => {
        await bootstrap({ ...bootstrapOf(b, signal), recoverFrom: { snapshot: file, ...tool } });
        const members = await b.client().memberList();
        assert.deepEqual(
          members.map((m) => [m.name, m.peerUrls]),
          [['new-1', [b.peerUrl]]],
        );
        assert.equal(new TextDecoder().decode(await b.client().get('/keys/199')), 'value-199');
        assert.notEqual((await b.client().status()).clusterId, (await a.client().status()).clusterId);
      });

      await t.test('bootstrap refuses a data directory that holds data', async () => {
        await b.kill('SIGTERM');
        await assert.rejects(
          bootstrap(bootstrapOf(b, signal)),
          (err) => isEtcdError(err, 'data-exists') && err.message.includes(b.paths.dataDir),
        );
        assert.ok((await readdir(b.paths.dataDir)).includes('member'), 'the data is still there');
      });

      await t.test('restore refuses a data directory that holds data', async () => {
        await assert.rejects(
          restoreSnapshot({ snapshot: file, dataDir: b.paths.dataDir, name: b.name, peerUrl: b.peerUrl, ...tool }),
          (err) => isEtcdError(err, 'data-exists'),
        );
      });

      await t.test('a truncated snapshot is refused and leaves no data directory', async () => {
        const truncated = join(a.root, 'truncated.db');
        await writeFile(truncated, (await readFile(file)).subarray(0, 4096));
        const dataDir = join(a.root, 'restore-target');
        await mkdir(dataDir);
        await assert.rejects(
          restoreSnapshot({ snapshot: truncated, dataDir, name: 'x', peerUrl: 'https://127.0.0.1:2380', ...tool }),
          (err) => isEtcdError(err, 'snapshot') && err.message.includes(truncated),
        );
        await assert.rejects(stat(dataDir), { code: 'ENOENT' });
      });
    },
  );
