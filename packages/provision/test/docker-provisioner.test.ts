// The docker provider against a real engine (Podman's service here). Without the node image, a
// stand-in image whose /init never serves apid proves the unhappy paths and that destroy (and a
// failed create) leave no container, volume or network behind. The conformance suite needs the
// node image and machined's container platform: the last test runs one node when the image is there.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, suite, type TestContext } from 'node:test';
import { isProvisionError, type Provisioner } from '../src/index.ts';
import { currentContext, loadClientConfig } from '@bronze/machinery';
import { callVersion } from '../src/wait-api.ts';
import { portOpen } from '../src/docker/port-open.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { leftoversOf } from '../src/docker/docker-destroy.ts';
import { DefaultNodeImage, dockerProvisioner } from '../src/docker/docker-provisioner.ts';
import { engineClient, type EngineClient } from '../src/docker/engine-client.ts';
import { resolveDockerHost } from '../src/docker/docker-host.ts';
import { clusterLabels, nodeLabels } from '../src/docker/labels.ts';
import { buildTestImage, engineSkip, stopTestEngine, testEngine, uniqueName } from './docker-fixture.ts';

const skip = await engineSkip();
after(stopTestEngine);

async function setup(
  t: TestContext,
  image?: string,
): Promise<{ p: Provisioner; engine: EngineClient; root: string; image: string }> {
  const engine = await testEngine();
  const root = await mkdtemp(join(tmpdir(), 'bronze-docker-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  let ref = image;
  if (ref === undefined) {
    const built = await buildTestImage(t, uniqueName('prov'));
    await engine.loadImage(built.tar);
    t.after(() => engine.removeImage(built.ref, { force: true }));
    ref = built.ref;
  }
  const p = dockerProvisioner({
    stateRoot: root,
    socketPath: engine.socketPath,
    image: ref,
    cidr: '10.213.20.0/28',
    stopTimeoutS: 2,
  });
  return { p, engine, root, image: ref };
}

/** Removes whatever the engine still holds for the cluster, after the test (by label, then by id). */
function cleanup(t: TestContext, engine: EngineClient, name: string): void {
  t.after(async () => {
    const labels = clusterLabels(name);
    for (const c of await engine.listContainers(labels)) await engine.removeContainer(c.Id, { force: true });
    for (const v of await engine.listVolumes(labels)) await engine.removeVolume(v.Name, { force: true });
    for (const n of await engine.listNetworks(labels)) await engine.removeNetwork(n.Id);
  });
}

void suite('docker provisioner (real engine, stand-in image)', { skip }, () => {
  void test('a node image the engine lacks: the error names it and what to do; nothing is made', async (t) => {
    const { p, engine, root } = await setup(t, 'localhost/bronze/no-such-image:v0');
    const name = uniqueName('noimg');
    cleanup(t, engine, name);
    await assert.rejects(
      p.create({ name, controlPlanes: 1, workers: 0, rsaBits: 2048 }),
      (e) => isProvisionError(e, 'missing-program') && /no-such-image:v0 is not in the engine/.test(e.message),
    );
    assert.deepEqual(await leftoversOf(name, engine), []);
    assert.equal(existsSync(join(root, name)), false);
  });

  void test('bad requests are refused before anything is made', async (t) => {
    const { p } = await setup(t, DefaultNodeImage);
    await assert.rejects(p.create({ name: 'Bad_Name', controlPlanes: 1, workers: 0 }), (e) =>
      isProvisionError(e, 'invalid'),
    );
    const small = dockerProvisioner({
      stateRoot: tmpdir(),
      socketPath: '/nonexistent.sock',
      image: 'x',
      cidr: '10.1.0.0/30',
    });
    await assert.rejects(
      small.create({ name: 'small', controlPlanes: 2, workers: 1 }),
      (e) => isProvisionError(e, 'invalid') && /--cidr 10.1.0.0\/30 has 2 host addresses/.test(e.message),
    );
    await assert.rejects(p.show('nope'), (e) => isProvisionError(e, 'not-found') && /no cluster nope/.test(e.message));
    await assert.rejects(p.destroy('nope'), (e) => isProvisionError(e, 'not-found'));
  });

  void test('nodes that never answer: create fails naming the node and its log, and removes everything', async (t) => {
    const { p, engine, root } = await setup(t);
    const name = uniqueName('deaf');
    cleanup(t, engine, name);
    const lines: string[] = [];
    await assert.rejects(
      p.create({
        name,
        controlPlanes: 1,
        workers: 1,
        rsaBits: 2048,
        waitTimeoutMs: 3000,
        progress: (l) => lines.push(l),
      }),
      (e) =>
        isProvisionError(e, 'node-failed') &&
        e.message.includes(`node ${name}-controlplane-1 (10.213.20.2) did not become ready`) &&
        /root=read-only/.test(e.message),
    );
    assert.ok(
      lines.some((l) =>
        l.startsWith(`started ${name}-controlplane-1 (controlplane) on 10.213.20.2, machine API on 127.0.0.1:`),
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.startsWith(`started ${name}-worker-1 (worker) on 10.213.20.3`)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.startsWith(`waiting for apid on ${name}-controlplane-1`)),
      lines.join('\n'),
    );
    assert.deepEqual(await leftoversOf(name, engine), []);
    assert.equal(existsSync(join(root, name)), false);
  });

  void test('destroy finds a half-created cluster by label and leaves nothing behind', async (t) => {
    const { p, engine, image } = await setup(t);
    const name = uniqueName('half');
    cleanup(t, engine, name);
    const node = { name: `${name}-controlplane-1`, role: 'controlplane' as const };
    await engine.createNetwork({ name, subnet: '10.213.21.0/28', labels: clusterLabels(name) });
    await engine.createVolume({ name: `${node.name}-var`, labels: nodeLabels(name, node) });
    const id = await engine.createContainer({
      name: node.name,
      image,
      labels: nodeLabels(name, node),
      network: { name, ipv4: '10.213.21.2' },
    });
    await engine.startContainer(id);
    await assert.rejects(p.create({ name, controlPlanes: 1, workers: 0 }), (e) => isProvisionError(e, 'exists'));
    const lines: string[] = [];
    const result = await p.destroy(name, { progress: (l) => lines.push(l) });
    assert.deepEqual(result.leftovers, []);
    assert.deepEqual(
      result.stopped.map((s) => [s.node, s.how]),
      [[node.name, 'terminated']],
    );
    assert.ok(lines.includes(`removed volume ${node.name}-var`), lines.join('\n'));
    assert.ok(lines.includes(`removed network ${name}`), lines.join('\n'));
    assert.deepEqual(await leftoversOf(name, engine), []);
    await assert.rejects(p.destroy(name), (e) => isProvisionError(e, 'not-found'));
  });
});

// The whole flow needs what others are finishing: the node image in the engine and machined's
// container platform serving apid from USERDATA inside it (docker-conformance.e2e.ts runs the
// provisioner conformance suite, 1 + 1 nodes, with it).
const defaultEngine = engineClient(resolveDockerHost());
async function nodeImageSkip(): Promise<string | false> {
  if (skip !== false) return skip;
  const has = await defaultEngine.inspectImage(DefaultNodeImage).then(
    () => true,
    () => false,
  );
  return has
    ? false
    : `needs the node image ${DefaultNodeImage} in the engine on ${defaultEngine.socketPath} (packages/imager build + import) running machined's container platform`;
}

void test(
  'one node container end to end: ready, shown, restarted with its state, destroyed',
  { skip: await nodeImageSkip() },
  async (t) => {
    const { p, engine } = await setup(t, DefaultNodeImage);
    const name = uniqueName('smoke');
    cleanup(t, engine, name);
    const dir = await mkdtemp(join(tmpdir(), 'bronze-smoke-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const talosconfig = join(dir, 'talosconfig');
    const info = await p.create({
      name,
      controlPlanes: 1,
      workers: 0,
      rsaBits: 2048,
      talosconfig,
      waitTimeoutMs: 120_000,
    });
    const node = info.nodes[0];
    assert.equal(node?.state, 'running');
    const { context } = currentContext(await loadClientConfig(talosconfig));
    const endpoint = context.endpoints[0] ?? '';
    assert.match(endpoint, /^127\.0\.0\.1:\d+$/);
    assert.ok(await portOpen('127.0.0.1', Number(endpoint.split(':')[1]), 2000), 'the published API port accepts');
    const pem = (v: string | undefined) => Buffer.from(v ?? '', 'base64').toString('utf8');
    const tls = { ca: pem(context.ca), cert: pem(context.crt), key: pem(context.key) };
    assert.equal(typeof (await callVersion(node.address, tls, { timeoutMs: 5000 })), 'string');

    await engine.stopContainer(node.name, { timeoutS: 10 });
    assert.equal((await p.show(name)).nodes[0]?.state, 'stopped');
    await engine.startContainer(node.name);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await callVersion(node.address, tls, { timeoutMs: 2000 }).then(
        () => true,
        () => false,
      );
      if (ok) break;
      assert.ok(Date.now() < deadline, 'the restarted node answers again with the same certificates');
      await sleep(500);
    }
    const result = await p.destroy(name);
    assert.deepEqual(result.leftovers, []);
    assert.deepEqual(await leftoversOf(name, engine), []);
  },
);
