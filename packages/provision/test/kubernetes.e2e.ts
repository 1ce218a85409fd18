// Kubernetes on a 1 + 1 docker cluster of the node image, end to end, driven the way a user drives
// it: `osctl kubeconfig` into a private KUBECONFIG, then kubectl (the pinned release, built through the
// imager's cache when missing). One cluster for every step: nodes Ready with the control plane,
// flannel, kube-proxy and CoreDNS running; the config's inline manifest is applied; a Deployment
// behind a Service answers another pod by DNS name; a registry mirror set by a live config patch
// serves an image no node carries; logs and exec; a killed static pod container is
// restarted; a worker's kubelet restarts and its Node is Ready again; the worker's container restarts
// and it rejoins; then the cluster is destroyed without leftovers. Part of `npm run test:e2e`; skips
// only without an engine.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bootstrapCluster, dockerProvisioner } from '../src/index.ts';
import {
  eventually,
  field,
  kubeItems,
  kubectlBinary,
  kubectlWith,
  nodeReady,
  osctl,
  type Kubectl,
  type RunOptions,
} from './kube-e2e-helpers.ts';
import { dialWeb, namespace, webHost, workloadManifest } from './kube-e2e-workload.ts';
import { nodeImageTarget } from './node-image-fixture.ts';
import { startTestRegistry } from './registry-fixture.ts';

const { engine, image, skip } = await nodeImageTarget();
const name = 'e2e-k8s-1p1';
const cidr = '10.213.40.0/24';
/** The docker network's gateway: the first host address of the cidr (the host's end of the bridge). */
const gateway = '10.213.40.1';
/** An image reference no node image carries: only the test registry, as a mirror, can serve it. */
const mirrored = { registry: 'mirror.bronze.test', image: 'mirror.bronze.test/e2e/pause:mirrored' };

/** A control-plane patch with an inline manifest: a namespace and a ConfigMap in it. */
const inlineManifestPatch = [
  'cluster:',
  '  inlineManifests:',
  '    - name: e2e-inline',
  '      contents: |',
  '        apiVersion: v1',
  '        kind: Namespace',
  '        metadata:',
  '          name: bronze-inline',
  '        ---',
  '        apiVersion: v1',
  '        kind: ConfigMap',
  '        metadata:',
  '          name: hello',
  '          namespace: bronze-inline',
  '        data:',
  '          greeting: from the machine config',
  '',
].join('\n');

async function readyNodes(kubectl: Kubectl): Promise<string[]> {
  const nodes = await kubeItems(kubectl, ['nodes']);
  return nodes.filter(nodeReady).map((n) => String(field(n, 'metadata', 'name')));
}

/** The kube-system pods whose names start with each prefix, all Running; throws naming the missing. */
async function kubeSystemRunning(kubectl: Kubectl, prefixes: readonly string[]): Promise<number> {
  const pods = await kubeItems(kubectl, ['pods', '-n', 'kube-system']);
  const running = pods
    .filter((p) => field(p, 'status', 'phase') === 'Running')
    .map((p) => String(field(p, 'metadata', 'name')));
  const missing = prefixes.filter((prefix) => !running.some((n) => n.startsWith(prefix)));
  if (missing.length > 0) throw new Error(`not running: ${missing.join(', ')} (running: ${running.join(', ')})`);
  return pods.length;
}

/** restartCount and ready of the named container of a pod, as JSON. */
async function containerState(kubectl: Kubectl, pod: string): Promise<{ restarts: number; ready: boolean }> {
  const p = JSON.parse(await kubectl(['get', 'pod', '-n', 'kube-system', pod, '-o', 'json'])) as unknown;
  const status = field(p, 'status', 'containerStatuses', 0);
  return { restarts: Number(field(status, 'restartCount') ?? -1), ready: field(status, 'ready') === true };
}

/** The newest time the kubelet of `node` announced it started (a `Starting` Node event), in ms. */
async function lastKubeletStart(kubectl: Kubectl, node: string): Promise<number> {
  const selector = `involvedObject.kind=Node,involvedObject.name=${node},reason=Starting`;
  const events = await kubeItems(kubectl, ['events', '-n', 'default', '--field-selector', selector]);
  const times = events.map((e) => {
    const at = field(e, 'lastTimestamp') ?? field(e, 'eventTime');
    return typeof at === 'string' ? Date.parse(at) : NaN;
  });
  return Math.max(0, ...times.filter((t) => !Number.isNaN(t)));
}

void test('a 1 + 1 docker cluster runs kubernetes that kubectl can use', { skip, timeout: 600_000 }, async (t) => {
  const started = Date.now();
  const since = (): string => `${String(Math.round((Date.now() - started) / 1000))} s`;
  const kubectlPath = await kubectlBinary();
  const root = await mkdtemp(join(tmpdir(), 'bronze-kubernetes-e2e-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const provisioner = dockerProvisioner({
    stateRoot: root,
    socketPath: engine.socketPath,
    image,
    cidr,
  });
  t.after(() => provisioner.destroy(name).catch(() => undefined));
  const info = await provisioner.create({
    name,
    controlPlanes: 1,
    workers: 1,
    talosconfig: join(root, 'talosconfig'),
    rsaBits: 2048,
    waitTimeoutMs: 120_000,
    patches: { controlPlane: [inlineManifestPatch] },
  });
  await bootstrapCluster(info, { timeoutMs: 120_000 });
  const [cp, worker] = info.nodes;
  assert.ok(cp !== undefined && worker !== undefined && info.talosconfig !== undefined);
  const osctlOn = (node: string, args: readonly string[], options?: RunOptions): Promise<string> =>
    osctl(
      [
        '--talosconfig',
        info.talosconfig?.path ?? '',
        '--context',
        info.talosconfig?.context ?? '',
        '-n',
        node,
        ...args,
      ],
      options,
    );
  t.diagnostic(`created and bootstrapped in ${since()}`);

  const kubeconfig = join(root, 'kubeconfig');
  await eventually('osctl kubeconfig', 120_000, () => osctlOn(cp.address, ['kubeconfig', kubeconfig]));
  const kubectl = kubectlWith(kubectlPath, kubeconfig);

  await t.test('kubectl get nodes shows every node Ready', async () => {
    const ready = await eventually('both nodes Ready', 180_000, async () => {
      const names = await readyNodes(kubectl);
      if (names.length < 2) throw new Error(`Ready: ${JSON.stringify(names)}`);
      return names;
    });
    assert.deepEqual(ready.sort(), info.nodes.map((n) => n.name).sort());
    const table = await kubectl(['get', 'nodes']);
    for (const n of info.nodes) assert.match(table, new RegExp(`^${n.name}\\s+Ready\\s`, 'm'), table);
    t.diagnostic(`nodes Ready ${since()} after create`);
    const prefixes = ['kube-apiserver-', 'kube-controller-manager-', 'kube-scheduler-', 'kube-flannel-'];
    const pods = await eventually('the control plane, flannel, kube-proxy and CoreDNS running', 180_000, () =>
      kubeSystemRunning(kubectl, [...prefixes, 'kube-proxy-', 'coredns-']),
    );
    t.diagnostic(`kube-system running ${since()} after create: ${String(pods)} pods`);
    // The kubelet's own view of the control plane's static pods (its API, not the API server's).
    const statuses = await eventually('three StaticPodStatuses Running', 60_000, async () => {
      const text = await osctlOn(cp.address, ['get', 'staticpodstatus']);
      const running = text
        .split('\n')
        .filter((l) => /kube-system\/kube-(apiserver|controller-manager|scheduler)-\S+\s+.*Running/.test(l));
      if (running.length !== 3) throw new Error(text);
      return text;
    });
    t.diagnostic(statuses.trim());
    assert.match(await osctlOn(cp.address, ['get', 'nodename']), new RegExp(cp.name));
    // The node image's etcd is the one the component list builds, not Debian's 3.4.
    assert.match(await osctlOn(cp.address, ['get', 'etcdspecs', '-o', 'yaml']), /image: \/usr\/bin\/etcd v3\.6\.5/);
    const cpNode = JSON.parse(await kubectl(['get', 'node', cp.name, '-o', 'json'])) as unknown;
    assert.ok(field(cpNode, 'metadata', 'labels', 'node-role.kubernetes.io/control-plane') !== undefined);
    assert.match(JSON.stringify(field(cpNode, 'spec', 'taints') ?? []), /node-role\.kubernetes\.io\/control-plane/);
  });

  await t.test("the config's inline manifest is applied to the cluster", async () => {
    const greeting = await eventually('ConfigMap bronze-inline/hello', 60_000, () =>
      kubectl(['get', 'configmap', '-n', 'bronze-inline', 'hello', '-o', 'jsonpath={.data.greeting}']),
    );
    assert.equal(greeting, 'from the machine config');
    assert.match(await osctlOn(cp.address, ['get', 'manifests']), /99-e2e-inline/);
  });

  await t.test('a Deployment behind a Service answers another pod by its DNS name', async () => {
    await kubectl(['apply', '-f', '-'], { input: workloadManifest() });
    await kubectl(['-n', namespace, 'rollout', 'status', 'deployment/web', '--timeout=120s'], { timeoutMs: 130_000 });
    await kubectl(['-n', namespace, 'wait', '--for=condition=Ready', 'pod/client', '--timeout=120s'], {
      timeoutMs: 130_000,
    });
    const answers = await eventually(`the client pod reaches ${webHost}`, 60_000, () => dialWeb(kubectl));
    assert.match(answers[0] ?? '', /^web-/, 'the web pod answered with its hostname');
    await kubectl(['-n', namespace, 'exec', 'client', '--', '/agnhost', 'connect', `${webHost}:80`, '--timeout=5s']);
    t.diagnostic(`${webHost} answered ${JSON.stringify(answers)} ${since()} after create`);
  });

  await t.test('a registry mirror set by a live config patch serves an image no node carries', async () => {
    // The registry listens on the cluster network's gateway (the host's side of the bridge this test
    // created) and serves a fresh one-layer image of the pause program under a name that exists
    // nowhere else: every blob of it is new to the node.
    const pause = (await osctl(['image', 'components', 'build', 'pause'])).match(/^\s+(\/\S+\/pause)\s*$/m)?.[1];
    assert.ok(pause !== undefined, 'osctl image components build pause names the binary');
    const registry = await startTestRegistry({
      binary: pause,
      repository: 'e2e/pause',
      tag: 'mirrored',
      address: gateway,
    });
    t.after(() => registry.close());
    const patch = JSON.stringify({
      machine: { registries: { mirrors: { [mirrored.registry]: { endpoints: [`http://${registry.host}`] } } } },
    });
    await osctlOn(worker.address, ['patch', 'mc', '--mode', 'no-reboot', '-p', patch]);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'mirrored', namespace },
      spec: {
        nodeSelector: { 'kubernetes.io/hostname': worker.name },
        containers: [{ name: 'pause', image: mirrored.image, imagePullPolicy: 'Always' }],
      },
    };
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    await kubectl(['-n', namespace, 'wait', '--for=condition=Ready', 'pod/mirrored', '--timeout=120s'], {
      timeoutMs: 130_000,
    });
    const blobs = registry.requests.filter((r) => r.startsWith('GET /v2/e2e/pause/blobs/sha256:'));
    assert.equal(blobs.length, 2, `the node fetched the config and the layer: ${JSON.stringify(registry.requests)}`);
    await kubectl(['-n', namespace, 'delete', 'pod', 'mirrored', '--wait=false']);
    t.diagnostic(
      `${mirrored.image} pulled through http://${registry.host} (${String(registry.requests.length)} requests)`,
    );
  });

  await t.test('kubectl logs and kubectl exec work', async () => {
    const clientLog = await kubectl(['-n', namespace, 'logs', 'client']);
    assert.match(clientLog, new RegExp(`GET /dial\\?host=${webHost.replace(/\./g, '\\.')}`), clientLog);
    const webLog = await kubectl(['-n', namespace, 'logs', 'deployment/web']);
    assert.match(webLog, /Started HTTP server on port 8080/, webLog);
    const suffixes = await kubectl(['-n', namespace, 'exec', 'client', '--', '/agnhost', 'dns-suffix']);
    assert.match(suffixes, new RegExp(`${namespace}\\.svc\\.cluster\\.local`), suffixes);
  });

  await t.test('a killed control-plane static pod container is restarted', async () => {
    const pod = `kube-scheduler-${cp.name}`;
    const before = await containerState(kubectl, pod);
    await osctlOn(cp.address, ['restart', '-k', `kube-system/${pod}:kube-scheduler`]);
    const after = await eventually(`${pod} restarted and ready`, 120_000, async () => {
      const s = await containerState(kubectl, pod);
      if (s.restarts <= before.restarts || !s.ready) throw new Error(JSON.stringify(s));
      return s;
    });
    const phase = await kubectl(['get', 'pod', '-n', 'kube-system', pod, '-o', 'jsonpath={.status.phase}']);
    assert.equal(phase, 'Running');
    // Deleting the pod through the API removes only its mirror: the kubelet makes it again.
    const uid = await kubectl(['get', 'pod', '-n', 'kube-system', pod, '-o', 'jsonpath={.metadata.uid}']);
    await kubectl(['delete', 'pod', '-n', 'kube-system', pod, '--wait=false']);
    await eventually(`${pod} back in the API under a new uid`, 120_000, async () => {
      const now = await kubectl(['get', 'pod', '-n', 'kube-system', pod, '-o', 'jsonpath={.metadata.uid}']);
      if (now === uid || now === '') throw new Error(`uid ${now}`);
      return now;
    });
    t.diagnostic(
      `${pod}: restarts ${String(before.restarts)} -> ${String(after.restarts)}, healed ${since()} after create`,
    );
  });

  await t.test("a worker's kubelet restarts and its Node is Ready again", async () => {
    const before = await lastKubeletStart(kubectl, worker.name);
    const at = Math.floor(Date.now() / 1000) * 1000 - 1000;
    await osctlOn(worker.address, ['service', 'kubelet', 'restart']);
    const restarted = await eventually(
      `the kubelet of ${worker.name} starts again and its Node is Ready`,
      120_000,
      async () => {
        const startedAt = await lastKubeletStart(kubectl, worker.name);
        if (startedAt <= before || startedAt < at)
          throw new Error(`last kubelet start ${new Date(startedAt).toISOString()}`);
        const ready = await readyNodes(kubectl);
        if (!ready.includes(worker.name)) throw new Error(`${worker.name} is not Ready`);
        return startedAt;
      },
    );
    await eventually(`${webHost} answering again`, 60_000, () => dialWeb(kubectl));
    const was = before === 0 ? 'none' : new Date(before).toISOString();
    t.diagnostic(
      `${worker.name}: kubelet started ${was} -> ${new Date(restarted).toISOString()}, Ready ${since()} after create`,
    );
  });

  await t.test('the worker container restarts (a reboot) and rejoins: a new kubelet, Ready, pods served', async () => {
    // A reboot of a container node is a restart of its container (Reboot answers that it is not
    // supported there); its state volumes are kept.
    const startBefore = await lastKubeletStart(kubectl, worker.name);
    const pidBefore = (await engine.inspectContainer(worker.name)).State.Pid;
    await engine.stopContainer(worker.name, { timeoutS: 20 });
    await engine.startContainer(worker.name);
    assert.notEqual((await engine.inspectContainer(worker.name)).State.Pid, pidBefore);
    await eventually(`${worker.name} registered again by a new kubelet and Ready`, 180_000, async () => {
      const startedAt = await lastKubeletStart(kubectl, worker.name);
      if (startedAt <= startBefore) throw new Error(`last kubelet start ${new Date(startedAt).toISOString()}`);
      if (!(await readyNodes(kubectl)).includes(worker.name)) throw new Error(`${worker.name} is not Ready`);
      return startedAt;
    });
    await eventually('the worker answers osctl', 60_000, () => osctlOn(worker.address, ['version']));
    await kubectl(['-n', namespace, 'rollout', 'status', 'deployment/web', '--timeout=120s'], { timeoutMs: 130_000 });
    await eventually(`${webHost} answering after the restart`, 120_000, () => dialWeb(kubectl));
    t.diagnostic(`${worker.name}: container restarted, Ready again ${since()} after create`);
  });

  await t.test('the cluster is destroyed without leftovers', async () => {
    const result = await provisioner.destroy(name);
    assert.deepEqual(result.leftovers, []);
    t.diagnostic(`done in ${since()}`);
  });
});
