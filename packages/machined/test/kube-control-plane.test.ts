// The real control plane from what machined renders: its Kubernetes controllers write the PKI and
// the static pod manifests under a temp node root; kube-apiserver, kube-controller-manager and
// kube-scheduler (built into .cache/components) then run as processes on loopback with the exact
// command of their manifests (mount paths translated to the hostPaths), against a real etcd with TLS
// from the config's etcd CA. Checks /readyz with the admin kubeconfig, that Secrets are stored
// encrypted (secretbox) in etcd, and that the controller manager and the scheduler win their
// leases. Every process is stopped by pid.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { test } from 'node:test';
import 'reflect-metadata';
import { parse } from 'yaml';
import {
  adminKubeconfig,
  applyConfigPatches,
  generateConfigs,
  kubernetesRootSecretsOf,
  loadConfig,
  parsePatch,
  type ConfigBundle,
} from '@bronze/machinery';
import { startHarness } from '@bronze/runtime';
import { hostnameController } from '../src/controllers/hostname-controller.ts';
import { nodeAddressController } from '../src/controllers/node-address-controller.ts';
import { kubernetesControllers, kubernetesPaths } from '../src/kubernetes/kubernetes-controllers.ts';
import { MachineConfig, MachineConfigId } from '../src/resources/config-resources.ts';
import { DefaultEtcdPath, etcdVersion } from '../src/etcd/etcd-binary.ts';
import { etcdPkiFiles } from '../src/etcd/etcd-paths.ts';
import { EtcdNode, loopbackSubnet } from './etcd-fixture.ts';

const components = new URL('../../../.cache/components/', import.meta.url).pathname;
const binary = (name: string): string => join(components, `${name}-v1.34.10`, name);
const missing = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']
  .map(binary)
  .filter((p) => !existsSync(p));
const skip =
  missing.length > 0
    ? `no Kubernetes binaries (${missing.join(', ')}): build them with \`osctl image components\``
    : (await etcdVersion(DefaultEtcdPath).catch(() => undefined)) === undefined
      ? `no etcd binary at ${DefaultEtcdPath}`
      : false;

async function freePort(host: string): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

interface Tls {
  ca: string;
  cert: string;
  key: string;
}

/** The server, CA and client certificate of a kubeconfig with embedded data. */
function tlsOf(kubeconfigYaml: string): Tls & { server: string } {
  const kc = parse(kubeconfigYaml) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  return {
    server: kc.clusters[0]?.cluster.server ?? '',
    ca: b(kc.clusters[0]?.cluster['certificate-authority-data']),
    cert: b(kc.users[0]?.user['client-certificate-data']),
    key: b(kc.users[0]?.user['client-key-data']),
  };
}

async function call(
  tls: Tls & { server: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const url = new URL(path, tls.server);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(5000),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: last });
    await sleep(250);
  }
}

interface Pod {
  metadata: { name: string };
  spec: {
    containers: { command: string[]; volumeMounts: { name: string; mountPath: string }[] }[];
    volumes: { name: string; hostPath: { path: string } }[];
  };
}

/** The container's arguments with every mounted path moved to its hostPath, as the mounts say. */
function commandOf(pod: Pod): string[] {
  const container = pod.spec.containers[0];
  assert.ok(container !== undefined);
  const hostPaths = new Map(pod.spec.volumes.map((v) => [v.name, v.hostPath.path]));
  return container.command
    .slice(1)
    .map((arg) =>
      container.volumeMounts.reduce((a, m) => a.split(m.mountPath).join(hostPaths.get(m.name) ?? m.mountPath), arg),
    );
}

/** A control-plane config for ADDRESS with free ports for the API server and the two components. */
async function controlPlaneConfig(address: string): Promise<ConfigBundle> {
  const [port, cmPort, schedPort] = [
    await freePort('127.0.0.1'),
    await freePort('127.0.0.1'),
    await freePort('127.0.0.1'),
  ];
  const generated = await generateConfigs({
    clusterName: 'it',
    endpoint: `https://${address}:${String(port)}`,
    rsaBits: 2048,
  });
  const patch = [
    'cluster:',
    `  controlPlane: { localAPIServerPort: ${String(port)} }`,
    `  controllerManager: { extraArgs: { secure-port: "${String(cmPort)}" } }`,
    `  scheduler: { extraArgs: { secure-port: "${String(schedPort)}" } }`,
  ].join('\n');
  const loaded = loadConfig(applyConfigPatches(generated.controlplane, [parsePatch(patch, 'test')]));
  assert.ok(loaded.config !== undefined, JSON.stringify(loaded.errors));
  return loaded.config;
}

/** machined's Kubernetes controllers writing the PKI and the manifests under `root`, as on a node. */
async function renderNode(
  t: { after: (fn: () => Promise<void>) => void },
  options: { root: string; address: string; config: ConfigBundle },
): Promise<Pod[]> {
  const h = startHarness({
    controllers: [
      hostnameController({ defaultHostname: () => 'cp-1' }),
      nodeAddressController({ address: () => options.address }),
      ...kubernetesControllers({ root: options.root }),
    ],
  });
  t.after(() => h.stop());
  await h.state.create(MachineConfig.make(MachineConfigId, options.config.text));
  const { manifestsDir, secretsDir } = kubernetesPaths(options.root);
  const names = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
  return h.eventually(
    async () => {
      assert.ok((await readdir(secretsDir)).includes('kubelet-bootstrap.kubeconfig'));
      return Promise.all(names.map(async (n) => parse(await readFile(join(manifestsDir, `${n}.yaml`), 'utf8')) as Pod));
    },
    { timeoutMs: 20_000 },
  );
}

/** The value etcd holds for a key, read with etcdctl and the etcd admin certificate. */
async function etcdValue(etcd: EtcdNode, key: string): Promise<string> {
  const pki = etcdPkiFiles(etcd.paths.pkiDir);
  const args = [
    `--endpoints=${etcd.clientUrl}`,
    `--cacert=${pki.ca}`,
    `--cert=${pki.adminCert}`,
    `--key=${pki.adminKey}`,
  ];
  const { stdout } = await promisify(execFile)('etcdctl', [...args, 'get', key, '--print-value-only'], {
    encoding: 'latin1',
    env: { ...process.env, ETCDCTL_API: '3' },
  });
  return stdout;
}

async function leaseHolder(admin: Tls & { server: string }, lease: string): Promise<string | undefined> {
  const r = await call(admin, 'GET', `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease}`);
  if (r.status !== 200) return undefined;
  const holder = (JSON.parse(r.text) as { spec?: { holderIdentity?: string } }).spec?.holderIdentity;
  return holder === '' ? undefined : holder;
}

test(
  'the rendered control plane runs: ready, secrets encrypted in etcd, leaders elected',
  { skip, timeout: 180_000 },
  async (t) => {
    const address = `${loopbackSubnet()}.${String(10 + (process.pid % 200))}`;
    const config = await controlPlaneConfig(address);
    const root = kubernetesRootSecretsOf(config);
    assert.ok(root !== undefined);
    const dir = await mkdtemp(join(tmpdir(), 'bronze-kcp-'));
    const procs: ChildProcess[] = [];
    const etcd = await EtcdNode.create(root.etcdCA, { name: 'cp-1', address });
    t.after(async () => {
      for (const p of procs.reverse()) {
        if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) continue;
        const exited = once(p, 'exit').then(() => true);
        process.kill(p.pid, 'SIGTERM');
        if (!(await Promise.race([exited, sleep(5000).then(() => false)]))) process.kill(p.pid, 'SIGKILL');
      }
      await etcd.destroy();
      await rm(dir, { recursive: true, force: true });
    });
    await etcd.start({ state: 'new', initialCluster: [{ name: etcd.name, peerUrl: etcd.peerUrl }] });
    const [apiServerPod, controllerManagerPod, schedulerPod] = await renderNode(t, { root: dir, address, config });
    assert.ok(apiServerPod !== undefined && controllerManagerPod !== undefined && schedulerPod !== undefined);
    const start = (pod: Pod): ChildProcess => {
      const log = createWriteStream(join(dir, `${pod.metadata.name}.log`));
      const p = spawn(binary(pod.metadata.name), commandOf(pod), { stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout.pipe(log);
      p.stderr.pipe(log);
      procs.push(p);
      return p;
    };

    const apiserver = start(apiServerPod);
    const admin = tlsOf(await adminKubeconfig(config));
    await until(
      `kube-apiserver /readyz (see ${dir}/kube-apiserver.log)`,
      async () => {
        if (apiserver.exitCode !== null) throw new Error(`kube-apiserver exited ${String(apiserver.exitCode)}`);
        return (await call(admin, 'GET', '/readyz')).status === 200 ? true : undefined;
      },
      90_000,
    );

    const created = await call(admin, 'POST', '/api/v1/namespaces/default/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sealed' },
      stringData: { password: 'plain-text-value' },
    });
    assert.equal(created.status, 201, created.text);
    const stored = await etcdValue(etcd, '/registry/secrets/default/sealed');
    assert.ok(stored.startsWith('k8s:enc:secretbox:v1:key2:'), `stored as ${JSON.stringify(stored.slice(0, 32))}`);
    assert.ok(!stored.includes('plain-text-value'));

    start(controllerManagerPod);
    start(schedulerPod);
    for (const lease of ['kube-controller-manager', 'kube-scheduler']) {
      const holder = await until(
        `the ${lease} lease (see ${dir}/${lease}.log)`,
        () => leaseHolder(admin, lease),
        60_000,
      );
      assert.ok(holder.length > 0);
    }
  },
);
