import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { assertLearnerSupport, parseEtcdVersion, snapshotRestoreTool, supportsLearners } from './etcd-binary.ts';
import { isEtcdError } from './etcd-error.ts';
import { FakeEtcdCluster } from './fake-etcd-client.ts';
import { endpointTarget } from './etcd-client.ts';
import { etcdCommand, etcdHealthCheck, etcdServiceSpec, etcdUrl, type EtcdCommandOptions } from './etcd-spec.ts';

const base: EtcdCommandOptions = {
  binary: '/usr/bin/etcd',
  name: 'cp-1',
  address: '10.0.0.1',
  dataDir: '/var/lib/etcd',
  pkiDir: '/system/secrets/etcd',
  launch: {
    state: 'existing',
    initialCluster: [
      { name: 'cp-0', peerUrl: 'https://10.0.0.9:2380' },
      { name: 'cp-1', peerUrl: 'https://10.0.0.1:2380' },
    ],
  },
  listenLocalhost: true,
};

function flags(args: readonly string[]): Map<string, string> {
  return new Map(args.map((a) => a.slice(2).split(/=(.*)/s) as [string, string]));
}

test('unreadable and too old etcd versions are refused with what to do', () => {
  assert.throws(
    () => parseEtcdVersion('no version here', '/usr/bin/etcd'),
    (err) => isEtcdError(err, 'binary') && err.message.includes('/usr/bin/etcd'),
  );
  const old = parseEtcdVersion('etcd Version: 3.3.27\nGit SHA: x');
  assert.equal(supportsLearners(old), false);
  assert.throws(() => {
    assertLearnerSupport(old, '/usr/bin/etcd');
  }, /needs etcd 3\.4 or later/);
});

test('etcd versions parse back to their numbers', () => {
  fc.assert(
    fc.property(fc.nat(99), fc.nat(99), fc.nat(999), fc.boolean(), (major, minor, patch, v) => {
      const text = `${major}.${minor}.${patch}`;
      const parsed = parseEtcdVersion(`etcd Version: ${v ? 'v' : ''}${text}\nGo Version: go1.19`);
      assert.deepEqual([parsed.major, parsed.minor, parsed.patch], [major, minor, patch]);
      assert.equal(supportsLearners(parsed), major > 3 || (major === 3 && minor >= 4));
    }),
  );
});

test('the command line joins an existing cluster with mutual tls on both ports', () => {
  const cmd = etcdCommand(base);
  const f = flags(cmd.args);
  assert.equal(cmd.command, '/usr/bin/etcd');
  assert.equal(cmd.cwd, '/var/lib');
  assert.equal(f.get('name'), 'cp-1');
  assert.equal(f.get('data-dir'), '/var/lib/etcd');
  assert.equal(f.get('listen-peer-urls'), 'https://10.0.0.1:2380');
  assert.equal(f.get('listen-client-urls'), 'https://10.0.0.1:2379,https://127.0.0.1:2379');
  assert.equal(f.get('advertise-client-urls'), 'https://10.0.0.1:2379');
  assert.equal(f.get('initial-cluster'), 'cp-0=https://10.0.0.9:2380,cp-1=https://10.0.0.1:2380');
  assert.equal(f.get('initial-cluster-state'), 'existing');
  assert.equal(f.get('client-cert-auth'), 'true');
  assert.equal(f.get('peer-client-cert-auth'), 'true');
  assert.equal(f.get('trusted-ca-file'), '/system/secrets/etcd/ca.crt');
  assert.equal(f.get('peer-cert-file'), '/system/secrets/etcd/peer.crt');
  assert.equal(f.get('experimental-initial-corrupt-check'), 'true');
  assert.equal(f.get('auto-compaction-mode'), 'periodic');
});

test('the process platform listens on the node address only; extra args override', () => {
  const f = flags(
    etcdCommand({
      ...base,
      listenLocalhost: false,
      extraArgs: { 'auto-compaction-retention': '1h', 'snapshot-count': '5000' },
    }).args,
  );
  assert.equal(f.get('listen-client-urls'), 'https://10.0.0.1:2379');
  assert.equal(f.get('auto-compaction-retention'), '1h');
  assert.equal(f.get('snapshot-count'), '5000');
});

test('ipv6 addresses are bracketed in urls and targets', () => {
  assert.equal(etcdUrl('fd00::1', 2380), 'https://[fd00::1]:2380');
  assert.equal(endpointTarget('https://[fd00::1]:2379'), '[fd00::1]:2379');
  assert.equal(endpointTarget('https://10.0.0.1'), '10.0.0.1:2379');
  assert.equal(endpointTarget('10.0.0.1:2379'), '10.0.0.1:2379');
});

test('the health check fails without a leader and passes with one', async () => {
  const cluster = new FakeEtcdCluster();
  const check = etcdHealthCheck(() => cluster.client('https://10.0.0.1:2379'));
  await assert.rejects(check(AbortSignal.timeout(1000)), /no leader/);
  cluster.addVoter('cp-1', '10.0.0.1');
  await check(AbortSignal.timeout(1000));
  cluster.down.add('https://10.0.0.1:2379');
  await assert.rejects(check(AbortSignal.timeout(1000)), /ECONNREFUSED/);
});

test('the service spec runs etcd with a health check and reads the command at start', () => {
  let reads = 0;
  const spec = etcdServiceSpec({
    command: () => {
      reads++;
      return etcdCommand(base);
    },
    client: () => new FakeEtcdCluster().client('x'),
  });
  assert.equal(spec.id, 'etcd');
  assert.equal(spec.restart, 'always');
  assert.equal(spec.health?.settings?.periodMs, 20_000);
  assert.equal(spec.runner.description, 'process etcd');
  assert.equal(reads, 0);
});

test('snapshots are restored by the etcdutl beside the etcd binary, else its etcdctl, else Debian etcdctl', () => {
  const has = (paths: string[]) => (p: string) => paths.includes(p);
  assert.equal(snapshotRestoreTool('/usr/bin/etcd', has(['/usr/bin/etcdutl', '/usr/bin/etcdctl'])), '/usr/bin/etcdutl');
  assert.equal(snapshotRestoreTool('/opt/etcd/etcd', has(['/opt/etcd/etcdctl'])), '/opt/etcd/etcdctl');
  assert.equal(snapshotRestoreTool('/opt/etcd/etcd', has([])), '/usr/bin/etcdctl');
});
