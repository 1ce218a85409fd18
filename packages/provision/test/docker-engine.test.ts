// The Docker Engine API client against a real engine (Podman's service here): errors first, then
// networks, volumes, an image built locally, and a container's whole life.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, suite, test } from 'node:test';
import { isEngineError } from '../src/docker/engine-error.ts';
import { engineClient, type EngineClient } from '../src/docker/engine-client.ts';
import { clampUlimits, NodeUlimits, readHardLimits } from '../src/docker/ulimits.ts';
import { buildTestImage, engineSkip, stopTestEngine, testEngine, uniqueName } from './docker-fixture.ts';

const skip = await engineSkip();
after(stopTestEngine);

async function logsUntil(engine: EngineClient, id: string, re: RegExp): Promise<{ stdout: string; stderr: string }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const logs = await engine.containerLogs(id);
    if (re.test(logs.stdout) || Date.now() > deadline) return logs;
    await sleep(100);
  }
}

void test('an engine that is not there: the error names the call, the socket and what to do', async () => {
  const engine = engineClient('/nonexistent/bronze/docker.sock');
  await assert.rejects(
    engine.version(),
    (e) =>
      isEngineError(e, 0) &&
      /GET \/version: could not reach the engine/.test(e.message) &&
      /--docker-host/.test(e.message),
  );
});

void suite('docker engine client (real engine)', { skip }, () => {
  void test('unknown objects: 404 with the call and the engine message', async () => {
    const engine = await testEngine();
    await assert.rejects(
      engine.inspectContainer('bronze-no-such-container'),
      (e) =>
        isEngineError(e, 404) && e.call === 'GET /containers/bronze-no-such-container/json' && e.engineMessage !== '',
    );
    assert.equal(await engine.removeContainer('bronze-no-such-container'), false);
    assert.equal(await engine.removeNetwork('bronze-no-such-network'), false);
    assert.equal(await engine.removeVolume('bronze-no-such-volume'), false);
    assert.equal(await engine.ping(), 'OK');
    assert.match((await engine.version()).ApiVersion, /^\d/);
  });

  void test('networks and volumes: create, find by label, inspect, remove', async (t) => {
    const engine = await testEngine();
    const name = uniqueName('bronze-net');
    const labels = { 'bronze.test': name };
    const id = await engine.createNetwork({ name, subnet: '10.213.7.0/24', labels });
    t.after(() => engine.removeNetwork(id));
    const net = await engine.inspectNetwork(id);
    assert.equal(net.Name, name);
    assert.equal(net.IPAM.Config?.[0]?.Subnet, '10.213.7.0/24');
    assert.deepEqual(
      (await engine.listNetworks(labels)).map((n) => n.Name),
      [name],
    );
    await assert.rejects(engine.createNetwork({ name, subnet: '10.213.8.0/24' }), (e) => isEngineError(e));

    const volume = await engine.createVolume({ name: `${name}-v`, labels });
    t.after(() => engine.removeVolume(volume.Name, { force: true }));
    assert.deepEqual(
      (await engine.listVolumes(labels)).map((v) => v.Name),
      [`${name}-v`],
    );
    assert.equal(await engine.removeVolume(volume.Name), true);
    assert.deepEqual(await engine.listVolumes(labels), []);
    assert.equal(await engine.removeNetwork(id), true);
    assert.deepEqual(await engine.listNetworks(labels), []);
  });

  void test('volumes listed by several labels: only those carrying all of them (Podman ORs them)', async (t) => {
    const engine = await testEngine();
    const name = uniqueName('bronze-lbl');
    const shared = { 'bronze.test': name };
    for (const c of ['a', 'b']) {
      const v = await engine.createVolume({ name: `${name}-${c}`, labels: { ...shared, 'bronze.test.c': c } });
      t.after(() => engine.removeVolume(v.Name, { force: true }));
    }
    assert.deepEqual(
      (await engine.listVolumes({ ...shared, 'bronze.test.c': 'a' })).map((v) => v.Name),
      [`${name}-a`],
    );
    assert.deepEqual(await engine.listVolumes({ ...shared, 'bronze.test.c': 'nope' }), []);
  });

  void test('a node-shaped container: load, create, start, logs, stop, kill, remove', async (t) => {
    const engine = await testEngine();
    const name = uniqueName('bronze-ctr');
    const image = await buildTestImage(t, name);
    const loaded = await engine.loadImage(image.tar);
    t.after(() => engine.removeImage(image.ref, { force: true }));
    assert.ok(loaded.join('\n').includes('bronze-test'), `load reports the image: ${loaded.join('\n')}`);
    assert.ok((await engine.inspectImage(image.ref)).Id !== '');

    const labels = { 'bronze.test': name };
    const net = await engine.createNetwork({ name, subnet: '10.213.9.0/24', labels });
    t.after(() => engine.removeNetwork(net));
    const volumes: string[] = [];
    for (const v of ['var', 'state']) {
      volumes.push((await engine.createVolume({ name: `${name}-${v}`, labels })).Name);
      t.after(() => engine.removeVolume(`${name}-${v}`, { force: true }));
    }
    const ulimits = clampUlimits(NodeUlimits, readHardLimits());
    const create = async (suffix: string, env: Record<string, string>) => {
      const id = await engine.createContainer({
        name: `${name}-${suffix}`,
        image: image.ref,
        env,
        labels,
        privileged: true,
        readOnlyRoot: true,
        tmpfs: { '/run': 'rw', '/system': 'rw', '/tmp': 'rw' },
        volumes: suffix === 'a' ? { [`${name}-var`]: '/var', [`${name}-state`]: '/system/state' } : {},
        ulimits,
        network: { name, ipv4: suffix === 'a' ? '10.213.9.10' : '10.213.9.11' },
      });
      t.after(() => engine.removeContainer(id, { force: true }));
      return id;
    };
    const id = await create('a', { USERDATA: Buffer.from('version: v1alpha1\n').toString('base64') });
    await engine.startContainer(id);
    const logs = await logsUntil(engine, id, /root=/);
    assert.match(logs.stdout, /^userdata=dmVyc2lvbjogdjFhbHBoYTEK$/m);
    assert.match(logs.stdout, /^var=writable$/m);
    assert.match(logs.stdout, /^root=read-only$/m);
    const nofile = ulimits.find((u) => u.Name === 'nofile');
    assert.match(logs.stdout, new RegExp(`^nofile=${nofile?.Soft}/${nofile?.Hard}$`, 'm'));
    assert.equal(logs.stderr, 'started\n');

    const info = await engine.inspectContainer(id);
    assert.equal(info.State.Running, true);
    assert.equal(info.NetworkSettings.Networks?.[name]?.IPAddress, '10.213.9.10');
    assert.equal(info.Config.Labels?.['bronze.test'], name);
    assert.deepEqual(
      (await engine.listContainers(labels)).map((c) => c.Id),
      [id],
    );

    await engine.stopContainer(id, { timeoutS: 10 });
    const stopped = await engine.inspectContainer(id);
    assert.equal(stopped.State.Running, false);
    assert.equal(stopped.State.ExitCode, 0, 'SIGTERM ends it cleanly');
    assert.match((await engine.containerLogs(id)).stdout, /^terminated$/m);

    const stubborn = await create('b', { MODE: 'stubborn' });
    await engine.startContainer(stubborn);
    await logsUntil(engine, stubborn, /root=/);
    const started = Date.now();
    await engine.stopContainer(stubborn, { timeoutS: 1 });
    assert.ok(Date.now() - started < 10_000, 'stop falls back to SIGKILL after its timeout');
    assert.notEqual((await engine.inspectContainer(stubborn)).State.ExitCode, 0);

    assert.equal(await engine.removeContainer(id), true);
    assert.equal(await engine.removeContainer(stubborn), true);
    assert.deepEqual(await engine.listContainers(labels), []);
  });
});
