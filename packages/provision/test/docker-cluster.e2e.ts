// A 3 + 1 docker cluster of the node image, end to end: created by the provisioner, bootstrapped to
// healthy, one control plane's container stopped and started again through the Engine API (it comes
// back healthy with the same etcd member and the same machine config), then destroyed with nothing
// left in the engine or the host's mount table. Part of `npm run test:e2e`; skips only without an
// engine (node-image-fixture.ts builds and loads the image when needed).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  loadClientConfig,
  nodeMetadata,
  openNodeClient,
  replyError,
  resolveClientTarget,
  waitHealthy,
  type NodeClient,
} from '@bronze/machinery';
import { bootstrapCluster, dockerProvisioner, type ClusterInfo } from '../src/index.ts';
import type { EngineClient } from '../src/docker/engine-client.ts';
import { clusterLabels } from '../src/docker/labels.ts';
import { nodeImageTarget } from './node-image-fixture.ts';

const { engine, image, skip } = await nodeImageTarget();
const name = 'e2e31';
const MachineConfigKind = { namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' };

async function clientOf(info: ClusterInfo): Promise<NodeClient> {
  if (info.talosconfig === undefined) throw new Error('the cluster has no talosconfig context');
  const config = await loadClientConfig(info.talosconfig.path);
  return openNodeClient(resolveClientTarget(config, { context: info.talosconfig.context }));
}

/** Each member's id by its name, as `node` sees the etcd cluster. */
async function members(client: NodeClient, node: string): Promise<Record<string, string>> {
  const reply = await client.machine.etcdMemberList({ queryLocal: false }, { metadata: nodeMetadata(node) });
  const m = reply.messages[0];
  if (m === undefined || replyError(m) !== undefined)
    throw new Error(`etcd members on ${node}: ${String(replyError(m ?? {}))}`);
  return Object.fromEntries(m.members.map((x) => [x.hostname, x.id.toString()]));
}

async function machineConfig(client: NodeClient, node: string): Promise<string> {
  const reply = await client.state.get(MachineConfigKind, { metadata: nodeMetadata(node) });
  const spec = reply.resource?.spec?.yamlSpec;
  if (spec === undefined) throw new Error(`${node} has no MachineConfig resource`);
  return spec;
}

function healthy(client: NodeClient, info: ClusterInfo): Promise<void> {
  const of = (role: string): string[] => info.nodes.filter((n) => n.role === role).map((n) => n.address);
  return waitHealthy(client, { controlPlanes: of('controlplane'), workers: of('worker'), timeout: 120_000 });
}

/** Everything of the cluster the engine still holds, by label. */
async function engineObjects(e: EngineClient): Promise<string[]> {
  const labels = clusterLabels(name);
  return [
    ...(await e.listContainers(labels)).map((c) => `container ${c.Names.join(',')}`),
    ...(await e.listVolumes(labels)).map((v) => `volume ${v.Name}`),
    ...(await e.listNetworks(labels)).map((n) => `network ${n.Name}`),
  ];
}

void test(
  'a 3 + 1 docker cluster survives a node container restart and is destroyed without a trace',
  { skip },
  async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'bronze-docker-cluster-e2e-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const provisioner = dockerProvisioner({
      stateRoot: root,
      socketPath: engine.socketPath,
      image,
      cidr: '10.213.31.0/28',
    });
    const info = await provisioner.create({
      name,
      controlPlanes: 3,
      workers: 1,
      talosconfig: join(root, 'talosconfig'),
      rsaBits: 2048,
      waitTimeoutMs: 120_000,
    });
    t.after(() => provisioner.destroy(name).catch(() => undefined));
    await bootstrapCluster(info, { timeoutMs: 120_000 });

    const client = await clientOf(info);
    t.after(() => {
      client.close();
    });
    const [cp1, cp2] = info.nodes;
    assert.ok(cp1 !== undefined && cp2 !== undefined);
    const before = await members(client, cp1.address);
    assert.equal(Object.keys(before).length, 3, `three etcd members: ${JSON.stringify(before)}`);
    const configBefore = await machineConfig(client, cp2.address);

    await t.test('a control plane stopped and started through the engine comes back with its state', async () => {
      const pidBefore = (await engine.inspectContainer(cp2.name)).State.Pid;
      await engine.stopContainer(cp2.name, { timeoutS: 10 });
      assert.equal((await engine.inspectContainer(cp2.name)).State.Running, false);
      await engine.startContainer(cp2.name);
      const after = await engine.inspectContainer(cp2.name);
      assert.equal(after.State.Running, true);
      assert.notEqual(after.State.Pid, pidBefore, 'a fresh init process');
      await healthy(client, info);
      assert.deepEqual(await members(client, cp2.address), before, 'the same etcd members, the same ids');
      assert.equal(await machineConfig(client, cp2.address), configBefore, 'the same machine config');
    });

    await t.test('destroy leaves no container, volume, network or mount', async () => {
      // What of the cluster shows in the host's mount table: container ids (shm, secrets), the root
      // file systems' overlay directories, the volumes' directories, the state directory.
      const marks = [info.dir, name];
      for (const n of info.nodes) {
        const c = await engine.inspectContainer(n.name);
        marks.push(c.Id, ...Object.values(c.GraphDriver?.Data ?? {}));
      }
      const volumes = await engine.listVolumes(clusterLabels(name));
      assert.equal(volumes.length, 8, 'two volumes per node');
      marks.push(...volumes.map((v) => v.Mountpoint));
      const ours = async (): Promise<string[]> =>
        (await readFile('/proc/self/mountinfo', 'utf8'))
          .split('\n')
          .filter((l) => marks.some((m) => m !== '' && l.includes(m)));
      assert.ok((await ours()).length > 0, 'the running cluster shows in the mount table (the check sees it)');
      const result = await provisioner.destroy(name);
      assert.deepEqual(result.leftovers, []);
      assert.deepEqual(await engineObjects(engine), []);
      assert.deepEqual(await ours(), [], 'no mount of the cluster remains');
    });
  },
);
