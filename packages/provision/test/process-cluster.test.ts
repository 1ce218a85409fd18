// A real process cluster (1 control plane + 1 worker, machined + apid + trustd as processes) and
// the checks of the node API that need several nodes: routing through one endpoint, workers that
// refuse to forward, a wrong CA, a reader's limits, events and logs through apid, a killed service
// restarted, and a destroy that leaves no process. Skipped only when machined is not in the tree.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, suite, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Metadata } from '@grpc/grpc-js';
import {
  createClient,
  createSelfSignedCa,
  cosiStateApi,
  dial,
  encodeCertificateAndKey,
  isApiError,
  issueCertificateAndKey,
  issueClientCertificate,
  loadClientConfig,
  loadSecretsBundle,
  machineApi,
  mutualTlsChannelCredentials,
  Role,
  type TlsMaterial,
} from '@bronze/machinery';
import { defaultNodeProgram, opensslTls, processProvisioner, type ClusterInfo } from '../src/index.ts';
import { commandLineOf, killNodesUnder, nodeProcesses } from '../src/node-process.ts';
import { provisionerConformance } from '../src/provisioner-conformance.ts';

const program = defaultNodeProgram();
const missing = existsSync(program) ? false : `machined is not in this tree yet (${program})`;

provisionerConformance('process (real machined)', {
  skip: missing,
  make: async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'bronze-conformance-'));
    t.after(async () => {
      await killNodesUnder(root);
      await rm(root, { recursive: true, force: true });
    });
    return processProvisioner({ stateRoot: root, stopTimeoutMs: 5000 });
  },
  isGone: async (node) =>
    (await nodeProcesses(node.stateDir)).length === 0 &&
    (node.pid === undefined || (await commandLineOf(node.pid)) === undefined),
  rsaBits: 2048,
  waitTimeoutMs: 30_000,
});

function clientsOf(address: string, tls: TlsMaterial) {
  const channel = dial(`${address}:50000`, { credentials: mutualTlsChannelCredentials(opensslTls(tls)) });
  return {
    machine: createClient(machineApi.MachineService, channel),
    state: createClient(cosiStateApi.State, channel),
    close: () => {
      channel.close();
    },
  };
}

const toNode = (address: string): { metadata: Metadata } => {
  const metadata = new Metadata();
  metadata.set('node', address);
  return { metadata };
};

void suite('process cluster (real machined)', { skip: missing, timeout: 90_000 }, () => {
  let root = '';
  let info: ClusterInfo;
  let created = false;
  let admin: TlsMaterial;
  let cp = '';
  let worker = '';
  const provisioner = () => processProvisioner({ stateRoot: root, stopTimeoutMs: 5000 });
  const open: { close: () => void }[] = [];
  const connect = (address: string, tls = admin) => {
    const c = clientsOf(address, tls);
    open.push(c);
    return c;
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'bronze-cluster-'));
    info = await provisioner().create({
      name: 'it',
      controlPlanes: 1,
      workers: 1,
      rsaBits: 2048,
      waitTimeoutMs: 30_000,
      talosconfig: join(root, 'talosconfig'),
    });
    created = true;
    const context = (await loadClientConfig(join(root, 'talosconfig'))).contexts['it'];
    const pem = (v: string | undefined) => Buffer.from(v ?? '', 'base64').toString('utf8');
    admin = { ca: pem(context?.ca), cert: pem(context?.crt), key: pem(context?.key) };
    cp = info.nodes[0]?.address ?? '';
    worker = info.nodes[1]?.address ?? '';
  });

  after(async () => {
    for (const c of open) c.close();
    if (created)
      await provisioner()
        .destroy('it')
        .catch(() => undefined);
    await killNodesUnder(root);
    await rm(root, { recursive: true, force: true });
  });

  test('one endpoint reaches every node through node metadata', async () => {
    const { machine } = connect(cp);
    for (const node of info.nodes) {
      const reply = await machine.version({}, toNode(node.address));
      assert.equal(reply.messages[0]?.metadata?.hostname, node.name, `Version answered by ${node.name}`);
    }
  });

  test('a worker refuses to forward', async () => {
    const { machine } = connect(worker);
    await assert.rejects(
      machine.version({}, toNode(cp)),
      (err) => isApiError(err, 'permission-denied') && /no request forwarding/.test(err.message),
    );
    assert.equal((await machine.version({})).messages[0]?.metadata?.hostname ?? '', 'it-worker-1');
  });

  test('a client whose certificate comes from another CA gets UNAVAILABLE', async () => {
    const ca = await createSelfSignedCa({ organizations: ['talos'] });
    const leaf = encodeCertificateAndKey(
      await issueCertificateAndKey(ca, { organizations: [Role.admin], extKeyUsage: ['clientAuth'] }),
    );
    const { machine } = connect(cp, { ca: admin.ca, cert: leaf.crt, key: leaf.key });
    await assert.rejects(machine.version({}, { deadline: new Date(Date.now() + 5000) }), (err) =>
      isApiError(err, 'unavailable'),
    );
  });

  test('a reader cannot reboot or read the machine config', async () => {
    const secrets = await loadSecretsBundle(join(info.dir, 'secrets.yaml'));
    const reader = await issueClientCertificate(secrets, { roles: [Role.reader] });
    const { machine, state } = connect(cp, { ca: admin.ca, cert: reader.crt, key: reader.key });
    assert.ok((await machine.version({})).messages.length > 0, 'a reader may read the version');
    for (const target of [{}, toNode(worker)]) {
      await assert.rejects(machine.reboot({}, target), (err) => isApiError(err, 'permission-denied'));
      await assert.rejects(
        state.get({ namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' }, target),
        (err) => isApiError(err, 'permission-denied'),
      );
    }
  });

  test('events and logs come through apid, from the worker too', async () => {
    const { machine } = connect(cp);
    for (const target of [{}, toNode(worker)]) {
      const abort = new AbortController();
      for await (const event of machine.events({ tailEvents: 3 }, { ...target, signal: abort.signal })) {
        assert.ok(event.id !== '', 'an event with an id');
        break;
      }
      let text = '';
      for await (const chunk of machine.logs({ namespace: 'system', id: 'apid', tailLines: 5 }, target)) {
        text += Buffer.from(chunk.bytes).toString('utf8');
      }
      assert.ok(text.length > 0, 'apid has logged something');
    }
  });

  test('a 10 MiB config round-trips through apply and COSI get, forwarded to the worker', async () => {
    const { machine, state } = connect(cp);
    const ref = { namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' };
    const current = (await state.get(ref, toNode(worker))).resource?.spec?.yamlSpec ?? '';
    assert.match(current, /^version: v1alpha1/m);
    // Comments survive loading, so padding with them makes a big config that is still the same config.
    const line = `# ${'x'.repeat(1021)}\n`;
    const big = `${current.trimEnd()}\n${line.repeat(10 * 1024)}`;
    assert.ok(big.length > 10 * 1024 * 1024);
    const reply = await machine.applyConfiguration(
      { data: Buffer.from(big), mode: machineApi.ApplyConfigurationRequest_Mode.NO_REBOOT },
      toNode(worker),
    );
    assert.equal(reply.messages[0]?.metadata?.hostname, 'it-worker-1');
    const back = (await state.get(ref, toNode(worker))).resource?.spec?.yamlSpec ?? '';
    assert.equal(back.length, big.length);
    assert.ok(back === big, 'the config read back is the config applied, byte for byte');
  });

  test('a killed service is restarted', async () => {
    const cpNode = info.nodes[0];
    assert.ok(cpNode !== undefined);
    const trustd = await servicePid(cpNode.stateDir, 'trustd');
    assert.ok(trustd !== undefined, 'trustd runs on the control plane');
    process.kill(trustd, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    let next: number | undefined;
    while (Date.now() < deadline) {
      next = await servicePid(cpNode.stateDir, 'trustd');
      if (next !== undefined && next !== trustd) break;
      await sleep(200);
    }
    assert.ok(next !== undefined && next !== trustd, 'a new trustd runs');
  });

  test('destroy leaves no process behind', async () => {
    const result = await provisioner().destroy('it');
    assert.deepEqual(result.leftovers, []);
    for (const node of info.nodes) {
      assert.ok(
        node.pid !== undefined && (await commandLineOf(node.pid)) === undefined,
        `${node.name} machined is gone`,
      );
      assert.deepEqual(await nodeProcesses(node.stateDir), [], `nothing of ${node.name} runs`);
    }
    assert.equal(existsSync(info.dir), false);
  });
});

async function servicePid(stateDir: string, role: string): Promise<number | undefined> {
  for (const pid of await nodeProcesses(stateDir)) {
    if ((await commandLineOf(pid))?.includes(role) === true) return pid;
  }
  return undefined;
}
