// The real control plane from what machined renders: its Kubernetes controllers write the PKI and
// the static pod manifests under a temp node root; kube-apiserver, kube-controller-manager and
// kube-scheduler (built into .cache/components) then run as processes on loopback with the exact
// command of their manifests (mount paths translated to the hostPaths), against a real etcd with TLS
// from the config's etcd CA. Checks /readyz with the admin kubeconfig, that Secrets are stored
// encrypted (secretbox) in etcd, and that the controller manager and the scheduler win their
// leases. Every process is stopped by pid.
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import 'reflect-metadata';
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
import { etcdPkiFiles } from '../src/etcd/etcd-paths.ts';
import { kubernetesControllers, kubernetesPaths } from '../src/kubernetes/kubernetes-controllers.ts';
import { MachineConfig, MachineConfigId } from '../src/resources/config-resources.ts';
import { EtcdNode, loopbackSubnet } from './etcd-fixture.ts';
import {
  ComponentProcesses,
  freePort,
  kubeCall,
  kubeSkip,
  readControlPlaneManifests,
  tlsOf,
  until,
  type KubeTls,
  type ManifestPod,
} from './kube-fixture.ts';

/** A control-plane config for ADDRESS with free ports for the API server and the two components. */
async function controlPlaneConfig(address: string): Promise<ConfigBundle> {
  const [port, cmPort, schedPort] = [await freePort('0.0.0.0'), await freePort('0.0.0.0'), await freePort('0.0.0.0')];
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
): Promise<Record<string, ManifestPod>> {
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
  return h.eventually(
    async () => {
      assert.ok((await readdir(secretsDir)).includes('kubelet-bootstrap.kubeconfig'));
      return readControlPlaneManifests(manifestsDir);
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

/**
 * Creates a privileged pod in `default`; undefined while admission still misses the namespace's
 * default ServiceAccount (the controller manager makes it), which it looks up before PodSecurity.
 */
async function createPrivilegedPod(admin: KubeTls): Promise<{ status: number; text: string } | undefined> {
  const r = await kubeCall(admin, 'POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'privileged' },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10.1', securityContext: { privileged: true } }] },
  });
  return r.text.includes('serviceaccount') ? undefined : r;
}

async function leaseHolder(admin: KubeTls, lease: string): Promise<string | undefined> {
  const r = await kubeCall(admin, 'GET', `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease}`);
  if (r.status !== 200) return undefined;
  const holder = (JSON.parse(r.text) as { spec?: { holderIdentity?: string } }).spec?.holderIdentity;
  return holder === '' ? undefined : holder;
}

test(
  'the rendered control plane runs: ready, secrets encrypted in etcd, leaders elected',
  { skip: kubeSkip, timeout: 180_000 },
  async (t) => {
    const address = `${loopbackSubnet()}.${String(10 + (process.pid % 200))}`;
    const config = await controlPlaneConfig(address);
    const root = kubernetesRootSecretsOf(config);
    assert.ok(root !== undefined);
    const dir = await mkdtemp(join(tmpdir(), 'bronze-kcp-'));
    const procs = new ComponentProcesses(dir);
    const etcd = await EtcdNode.create(root.etcdCA, { name: 'cp-1', address });
    t.after(async () => {
      await procs.stop();
      await etcd.destroy();
      await rm(dir, { recursive: true, force: true });
    });
    await etcd.start({ state: 'new', initialCluster: [{ name: etcd.name, peerUrl: etcd.peerUrl }] });
    const pods = await renderNode(t, { root: dir, address, config });
    const start = (name: string): ChildProcess => {
      const pod = pods[name];
      assert.ok(pod !== undefined, name);
      return procs.start(pod);
    };

    const apiserver = start('kube-apiserver');
    const admin = tlsOf(await adminKubeconfig(config));
    await until(
      `kube-apiserver /readyz (see ${dir}/kube-apiserver.log)`,
      async () => {
        if (apiserver.exitCode !== null) throw new Error(`kube-apiserver exited ${String(apiserver.exitCode)}`);
        return (await kubeCall(admin, 'GET', '/readyz')).status === 200 ? true : undefined;
      },
      90_000,
    );

    const created = await kubeCall(admin, 'POST', '/api/v1/namespaces/default/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sealed' },
      stringData: { password: 'plain-text-value' },
    });
    assert.equal(created.status, 201, created.text);
    const stored = await etcdValue(etcd, '/registry/secrets/default/sealed');
    assert.ok(stored.startsWith('k8s:enc:secretbox:v1:key2:'), `stored as ${JSON.stringify(stored.slice(0, 32))}`);
    assert.ok(!stored.includes('plain-text-value'));

    // The audit policy holds: requests are logged where the manifest mounts the audit directory.
    const audit = await readFile(join(kubernetesPaths(dir).auditLogDir, 'kube-apiserver.log'), 'utf8');
    assert.match(audit, /"verb":"create"/);

    start('kube-controller-manager');
    start('kube-scheduler');
    for (const lease of ['kube-controller-manager', 'kube-scheduler']) {
      const holder = await until(
        `the ${lease} lease (see ${dir}/${lease}.log)`,
        () => leaseHolder(admin, lease),
        60_000,
      );
      assert.ok(holder.length > 0);
    }
    // The admission configuration holds: PodSecurity enforces baseline outside kube-system.
    const refusal = await until('a privileged pod refused by PodSecurity', () => createPrivilegedPod(admin), 30_000);
    assert.equal(refusal.status, 403, refusal.text);
    assert.match(refusal.text, /violates PodSecurity \\"baseline/);
  },
);
