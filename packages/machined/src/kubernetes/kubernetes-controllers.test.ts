// The Kubernetes controllers over in-memory state, writing into a temp directory as a node's root.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import 'reflect-metadata';
import { parse } from 'yaml';
import { applyConfigPatches, generateConfigs, parsePatch } from '@bronze/machinery';
import { MemoryState, startHarness, type Harness, type State } from '@bronze/runtime';
import { hostnameController } from '../controllers/hostname-controller.ts';
import { nodeAddressController } from '../controllers/node-address-controller.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { apiServerFilesController } from './api-server-files-controller.ts';
import { controlPlaneConfigController } from './control-plane-config-controller.ts';
import { kubernetesPaths } from './kubernetes-controllers.ts';
import { kubernetesCertsController, type KubernetesCertsControllerOptions } from './kubernetes-certs-controller.ts';
import {
  KubernetesCerts,
  KubernetesCertsId,
  KubernetesRootSecrets,
  KubernetesRootSecretsId,
  SecretsStatus,
  SecretsStatusId,
  StaticPod,
  type KubernetesCertsSpec,
  type SecretsStatusSpec,
} from './kubernetes-resources.ts';
import { kubernetesRootSecretsController } from './kubernetes-root-secrets-controller.ts';
import { kubernetesSecretFilesController } from './kubernetes-secret-files-controller.ts';
import { staticPodController } from './static-pod-controller.ts';
import { staticPodFilesController } from './static-pod-files-controller.ts';

const configs = await generateConfigs({ clusterName: 'unit', endpoint: 'https://10.5.0.2:6443', rsaBits: 2048 });

interface Node {
  h: Harness;
  root: string;
  secretsDir: string;
  manifestsDir: string;
}

async function startNode(
  t: { after: (fn: () => Promise<void>) => void },
  options: { state?: State; root?: string; certs?: KubernetesCertsControllerOptions } = {},
): Promise<Node> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'bronze-k8s-')));
  const paths = kubernetesPaths(root);
  const { secretsDir, manifestsDir } = paths;
  const h = startHarness({
    ...(options.state === undefined ? {} : { state: options.state }),
    controllers: [
      hostnameController({ defaultHostname: () => 'cp-1' }),
      nodeAddressController({ address: () => '10.5.0.2' }),
      kubernetesRootSecretsController(),
      kubernetesCertsController(options.certs ?? {}),
      kubernetesSecretFilesController({ dir: secretsDir }),
      controlPlaneConfigController(),
      apiServerFilesController({ dir: paths.apiServerConfigDir, auditLogDir: paths.auditLogDir }),
      staticPodController({
        hostSecretsDir: secretsDir,
        hostConfigDir: paths.apiServerConfigDir,
        hostAuditLogDir: paths.auditLogDir,
      }),
      staticPodFilesController({ dir: manifestsDir }),
    ],
  });
  t.after(() => h.stop());
  // After the stop (hooks run in order), so that no controller writes into a directory being removed.
  if (options.root === undefined) t.after(() => rm(root, { recursive: true, force: true }));
  return { h, root, secretsDir, manifestsDir };
}

async function setConfig(state: State, text: string): Promise<void> {
  const current = await state.get<string>(MachineConfig.pointer(MachineConfigId)).catch(() => undefined);
  if (current === undefined) await state.create(MachineConfig.make(MachineConfigId, text));
  else await state.update({ metadata: current.metadata, spec: text }, { owner: current.metadata.owner });
}

const patch = (text: string, p: string): string => applyConfigPatches(text, [parsePatch(p, 'test patch')]);

/** Waits until the PKI directory has every file and the manifests directory its three pods. */
async function settled(node: Node): Promise<void> {
  await node.h.eventually(
    async () => {
      const visible = async (dir: string) => (await readdir(dir)).filter((n) => !n.startsWith('.'));
      assert.equal((await visible(node.secretsDir)).length, 19);
      assert.equal((await visible(node.manifestsDir)).length, 3);
    },
    { timeoutMs: 10_000 },
  );
}

async function mtimes(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const name of await readdir(dir)) out.set(name, (await stat(join(dir, name))).mtimeMs);
  return out;
}

test('a worker renders nothing: no root secrets, no static pods, no files', async (t) => {
  const node = await startNode(t);
  await setConfig(node.h.state, configs.worker);
  await sleep(300);
  assert.deepEqual(await node.h.state.list(KubernetesRootSecrets.kind()), []);
  assert.deepEqual(await node.h.state.list(StaticPod.kind()), []);
  await assert.rejects(readdir(node.secretsDir), { code: 'ENOENT' });
  await assert.rejects(readdir(node.manifestsDir), { code: 'ENOENT' });
});

test('a control plane without cluster.ca.key: the controller fails naming the field, nothing is written', async (t) => {
  const node = await startNode(t);
  await setConfig(node.h.state, patch(configs.controlplane, '[{"op": "remove", "path": "/cluster/ca/key"}]'));
  await node.h.eventually(() => {
    const entry = node.h.logger.entries.find((e) => {
      const err = e.fields['error'];
      return err instanceof Error && err.message.includes('cluster.ca.key');
    });
    assert.ok(entry !== undefined, 'a log entry naming cluster.ca.key');
  });
  assert.deepEqual(await node.h.state.list(KubernetesRootSecrets.kind()), []);
  await assert.rejects(readdir(node.secretsDir), { code: 'ENOENT' });
  for (const e of node.h.logger.entries) {
    const err = e.fields['error'];
    assert.doesNotMatch(`${e.message} ${err instanceof Error ? err.message : ''}`, /PRIVATE KEY/);
  }
});

test('a control plane: PKI files 0600 in a 0700 dir, three manifests; a scheduler change rewrites only its pod', async (t) => {
  const node = await startNode(t);
  await setConfig(node.h.state, configs.controlplane);
  const names = ['kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml'];
  await settled(node);
  assert.deepEqual((await readdir(node.manifestsDir)).sort(), names);
  assert.equal((await stat(node.secretsDir)).mode & 0o777, 0o700);
  const secretFiles = await readdir(node.secretsDir);
  for (const f of ['ca.crt', 'ca.key', 'apiserver.crt', 'encryptionconfig.yaml', 'scheduler.kubeconfig']) {
    assert.ok(secretFiles.includes(f), f);
  }
  for (const f of secretFiles) assert.equal((await stat(join(node.secretsDir, f))).mode & 0o777, 0o600, f);
  const pod = parse(await readFile(join(node.manifestsDir, 'kube-apiserver.yaml'), 'utf8')) as {
    spec: { volumes: { hostPath: { path: string } }[] };
  };
  assert.equal(pod.spec.volumes[0]?.hostPath.path, node.secretsDir);
  const admission = await readFile(
    join(node.root, 'system/config/kubernetes/kube-apiserver/admission-control-config.yaml'),
    'utf8',
  );
  assert.match(admission, /kind: AdmissionConfiguration[\s\S]*name: PodSecurity/);

  const before = { manifests: await mtimes(node.manifestsDir), secrets: await mtimes(node.secretsDir) };
  const texts = new Map(
    await Promise.all(names.map(async (n) => [n, await readFile(join(node.manifestsDir, n), 'utf8')] as const)),
  );
  await sleep(20);
  await setConfig(node.h.state, patch(configs.controlplane, 'cluster:\n  scheduler:\n    extraArgs:\n      v: "3"\n'));
  await node.h.eventually(async () => {
    const text = await readFile(join(node.manifestsDir, 'kube-scheduler.yaml'), 'utf8');
    assert.match(text, /--v=3/);
  });
  await sleep(200);
  const after = { manifests: await mtimes(node.manifestsDir), secrets: await mtimes(node.secretsDir) };
  assert.notEqual(after.manifests.get('kube-scheduler.yaml'), before.manifests.get('kube-scheduler.yaml'));
  for (const n of ['kube-apiserver.yaml', 'kube-controller-manager.yaml']) {
    assert.equal(after.manifests.get(n), before.manifests.get(n), n);
    assert.equal(await readFile(join(node.manifestsDir, n), 'utf8'), texts.get(n), n);
  }
  assert.deepEqual(after.secrets, before.secrets, 'no PKI file rewritten');
});

test('the first manifest appears only once every PKI file it names is on disk', async (t) => {
  const node = await startNode(t);
  await setConfig(node.h.state, configs.controlplane);
  const deadline = Date.now() + 10_000;
  let manifests: string[] = [];
  while (manifests.length === 0 && Date.now() < deadline) {
    manifests = await readdir(node.manifestsDir).catch(() => []);
    if (manifests.length === 0) await sleep(1);
  }
  assert.ok(manifests.length > 0, 'no manifest within 10 s');
  const secretFiles = await readdir(node.secretsDir);
  for (const f of [
    'service-account.key',
    'apiserver.crt',
    'apiserver.key',
    'front-proxy-ca.crt',
    'encryptionconfig.yaml',
  ])
    assert.ok(secretFiles.includes(f), `${f} is missing when ${manifests.join(', ')} appeared`);
  const status = await node.h.state.get<SecretsStatusSpec>(SecretsStatus.pointer(SecretsStatusId));
  const certs = await node.h.state.get<KubernetesCertsSpec>(KubernetesCerts.pointer(KubernetesCertsId));
  assert.deepEqual(status.spec, { ready: true, version: certs.spec.issuedAt });
});

test('certificates are renewed at half their lifetime, and the pods follow', async (t) => {
  const node = await startNode(t, { certs: { lifetimeMs: 3000 } });
  await setConfig(node.h.state, configs.controlplane);
  const crt = join(node.secretsDir, 'apiserver.crt');
  const first = await node.h.eventually(() => readFile(crt, 'utf8'), { timeoutMs: 10_000 });
  // The manifests follow the PKI files (SecretsStatus), never precede them.
  const firstPod = await node.h.eventually(() => readFile(join(node.manifestsDir, 'kube-apiserver.yaml'), 'utf8'), {
    timeoutMs: 2000,
  });
  await node.h.eventually(
    async () => {
      assert.notEqual(await readFile(crt, 'utf8'), first);
    },
    { timeoutMs: 5000 },
  );
  await node.h.eventually(
    async () => {
      assert.notEqual(await readFile(join(node.manifestsDir, 'kube-apiserver.yaml'), 'utf8'), firstPod);
    },
    { timeoutMs: 2000 },
  );
});

test('a restart of machined keeps the issued PKI: nothing is issued or written again', async (t) => {
  const state = new MemoryState();
  const first = await startNode(t, { state });
  await setConfig(state, configs.controlplane);
  await settled(first);
  await first.h.stop();
  const certs = await state.get(KubernetesCerts.pointer('k8s-certs'));
  const before = await mtimes(first.secretsDir);
  const second = await startNode(t, { state, root: first.root });
  await sleep(300);
  await second.h.state.get(KubernetesRootSecrets.pointer(KubernetesRootSecretsId));
  assert.equal((await state.get(KubernetesCerts.pointer('k8s-certs'))).metadata.version, certs.metadata.version);
  assert.deepEqual(await mtimes(first.secretsDir), before);
});

test('without the config the static pods and their manifests go; the PKI files stay', async (t) => {
  const node = await startNode(t);
  await setConfig(node.h.state, configs.controlplane);
  await settled(node);
  const current = await node.h.state.get<string>(MachineConfig.pointer(MachineConfigId));
  await node.h.state.destroy(MachineConfig.pointer(MachineConfigId), { owner: current.metadata.owner });
  await node.h.eventually(async () => {
    assert.deepEqual(await readdir(node.manifestsDir), []);
  });
  assert.deepEqual(await node.h.state.list(StaticPod.kind()), []);
  assert.ok((await readdir(node.secretsDir)).includes('ca.crt'));
});
