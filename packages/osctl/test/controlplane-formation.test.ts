// The control plane forms and heals by itself, end to end with osctl on a real process cluster of
// three control planes and two workers (the real etcd): health fails before bootstrap naming etcd;
// one `osctl bootstrap` makes three voting members with no other step and health passes; a
// SIGKILLed etcd is restarted by its supervisor; a control plane replaced by an empty machine
// rejoins as a new member; a snapshot restores its keys into a fresh cluster with --recover-from.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, suite, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { defaultNodeProgram, killNodesUnder, processProvisioner, type NodeInfo } from '@bronze/provision';
import { runCli } from '../src/cli.ts';
import type { NodeIo } from '../src/commands/node-command.ts';

const run = promisify(execFile);
const program = defaultNodeProgram();
const skip = !existsSync(program)
  ? `machined is not in this tree yet (${program})`
  : !existsSync('/usr/bin/etcd') || !existsSync('/usr/bin/etcdctl')
    ? 'no etcd or etcdctl in /usr/bin: run scripts/setup-host'
    : false;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface Member {
  id: string;
  name: string;
  learner: boolean;
}

void suite('control plane formation on 3 control planes and 2 workers', { skip, timeout: 300_000 }, () => {
  let root = '';
  let nodes: NodeInfo[] = [];
  let cps: NodeInfo[] = [];
  const clusters = () => join(root, 'clusters');
  const talosconfig = () => join(root, 'talosconfig');
  const provisioner = () => processProvisioner({ stateRoot: clusters(), stopTimeoutMs: 5000 });

  const osctl = async (args: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const io: NodeIo = { out: (s) => (stdout += s), err: (s) => (stderr += s), env: { HOME: root }, cwd: root };
    const code = await runCli(['--talosconfig', talosconfig(), ...args], io);
    return { code, stdout, stderr };
  };
  const ok = async (args: string[]): Promise<string> => {
    const r = await osctl(args);
    assert.equal(r.code, 0, `osctl ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const create = async (name: string, controlPlanes: number, workers: number): Promise<NodeInfo[]> => {
    await ok([
      'cluster',
      'create',
      '--provisioner',
      'process',
      '--name',
      name,
      '--controlplanes',
      String(controlPlanes),
      '--workers',
      String(workers),
      '--state',
      clusters(),
      '--skip-bootstrap',
      '--wait-timeout',
      '60s',
    ]);
    return (await provisioner().show(name)).nodes;
  };
  const members = async (via: string): Promise<Member[]> => {
    const out = await ok(['-e', via, '-n', via, 'etcd', 'members']);
    return out
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .map((cols) => ({ id: cols[1] ?? '', name: cols[2] ?? '', learner: cols.at(-1) === 'true' }));
  };
  const waitVoters = async (
    via: string,
    names: readonly string[],
    options: { timeoutMs: number; not?: string },
  ): Promise<Member[]> => {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const got = await members(via).catch(() => []);
      const settled =
        got.length === names.length && got.every((m) => !m.learner && names.includes(m.name) && m.id !== options.not);
      if (settled) return got;
      assert.ok(Date.now() < deadline, `members of ${via} never became ${names.join(', ')}: ${JSON.stringify(got)}`);
      await sleep(500);
    }
  };
  const health = (via: string, waitTimeout: string): Promise<Run> =>
    osctl(['-e', via, 'health', '--wait-timeout', waitTimeout]);
  const etcdctl = async (node: NodeInfo, args: string[]): Promise<string> => {
    const pki = join(node.stateDir, 'system/secrets/etcd');
    const { stdout } = await run('/usr/bin/etcdctl', [
      `--endpoints=https://${node.address}:2379`,
      `--cacert=${join(pki, 'ca.crt')}`,
      `--cert=${join(pki, 'admin.crt')}`,
      `--key=${join(pki, 'admin.key')}`,
      ...args,
    ]);
    return stdout;
  };

  before(async () => {
    process.env['BRONZE_ETCD_HEALTH_PERIOD_MS'] = '500';
    root = await mkdtemp(join(tmpdir(), 'bronze-cp-formation-'));
    nodes = await create('formation', 3, 2);
    cps = nodes.filter((n) => n.role === 'controlplane');
    assert.equal(cps.length, 3);
  });

  after(async () => {
    delete process.env['BRONZE_ETCD_HEALTH_PERIOD_MS'];
    for (const name of ['formation', 'restored'])
      await provisioner()
        .destroy(name)
        .catch(() => undefined);
    await killNodesUnder(root);
    await rm(root, { recursive: true, force: true });
  });

  const cp = (i: number): NodeInfo => {
    const n = cps[i];
    assert.ok(n !== undefined);
    return n;
  };

  test('before bootstrap, health fails naming etcd', async () => {
    const r = await health(cp(0).address, '4s');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^error: waiting for all nodes to finish boot sequence: timed out after 4s: .*etcd\)\n$/);
  });

  test('one bootstrap makes three voting members and health passes', async () => {
    await ok(['-e', cp(0).address, '-n', cp(0).address, 'bootstrap']);
    await waitVoters(
      cp(1).address,
      cps.map((n) => n.name),
      { timeoutMs: 90_000 },
    );
    const r = await health(cp(0).address, '90s');
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /waiting for etcd members to be control plane nodes: OK\n$/);
    const workers = nodes.filter((n) => n.role === 'worker').map((n) => n.address);
    const flags = await osctl([
      ...['-e', cp(0).address, 'health', '--wait-timeout', '30s'],
      ...['--control-plane-nodes', cps.map((n) => n.address).join(','), '--worker-nodes', workers.join(',')],
    ]);
    assert.equal(flags.code, 0, `${flags.stdout}${flags.stderr}`);
    await etcdctl(cp(0), ['put', '/bronze/before-snapshot', 'kept']);
  });

  test('a SIGKILLed etcd is restarted by its supervisor and the cluster is healthy again', async () => {
    const victim = cp(1);
    const [pid] = await etcdPids(victim.stateDir);
    assert.ok(pid !== undefined, `no etcd process for ${victim.name}`);
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const now = await etcdPids(victim.stateDir);
      if (now.length > 0 && !now.includes(pid)) break;
      assert.ok(Date.now() < deadline, 'etcd was not restarted');
      await sleep(200);
    }
    const r = await health(cp(0).address, '60s');
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.equal((await etcdctl(victim, ['get', '--print-value-only', '/bronze/before-snapshot'])).trim(), 'kept');
  });

  test('a live config change of etcd arguments restarts etcd with them, and only then', async () => {
    const node = cp(0);
    const [before] = await etcdPids(node.stateDir);
    assert.ok(before !== undefined);
    const patch = ['-e', node.address, '-n', node.address, 'patch', 'mc', '--mode', 'no-reboot', '-p'];
    await ok([...patch, '{"cluster":{"etcd":{"extraArgs":{"quota-backend-bytes":"4294967296"}}}}']);
    const deadline = Date.now() + 30_000;
    let now = await etcdPids(node.stateDir);
    while (now.length === 0 || now.includes(before)) {
      assert.ok(Date.now() < deadline, 'etcd was not restarted with its new arguments');
      await sleep(200);
      now = await etcdPids(node.stateDir);
    }
    const argv = await readFile(`/proc/${String(now[0])}/cmdline`, 'utf8');
    assert.match(argv, /--quota-backend-bytes=4294967296/);
    await ok([...patch, '{"machine":{"env":{"BRONZE_TEST":"1"}}}']);
    assert.deepEqual(await etcdPids(node.stateDir), now, 'a change etcd does not use leaves it running');
    const r = await health(node.address, '60s');
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  });

  const snapshot = () => join(root, 'etcd.snapshot');
  test('a snapshot is taken, then more keys are written', async () => {
    await ok(['-e', cp(0).address, '-n', cp(0).address, 'etcd', 'snapshot', snapshot()]);
    await etcdctl(cp(0), ['put', '/bronze/after-snapshot', 'not in the snapshot']);
  });

  test('a control plane replaced by an empty machine rejoins as a new member', async () => {
    const replaced = cp(2);
    const before = (await members(cp(0).address)).find((m) => m.name === replaced.name);
    assert.ok(before !== undefined);
    assert.equal(await provisioner().stopNode('formation', replaced.name), 'terminated');
    await provisioner().startNode('formation', replaced.name, { wipe: true });
    const after = await waitVoters(
      cp(0).address,
      cps.map((n) => n.name),
      { timeoutMs: 120_000, not: before.id },
    );
    const rejoined = after.find((m) => m.name === replaced.name);
    assert.ok(rejoined !== undefined && rejoined.id !== before.id, `new member id: ${JSON.stringify(after)}`);
    const r = await health(cp(0).address, '90s');
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.equal((await etcdctl(replaced, ['get', '--print-value-only', '/bronze/before-snapshot'])).trim(), 'kept');
  });

  test('bootstrap --recover-from restores the snapshot into a fresh cluster', async () => {
    const [fresh] = await create('restored', 1, 0);
    assert.ok(fresh !== undefined);
    await ok(['-e', fresh.address, '-n', fresh.address, 'bootstrap', '--recover-from', snapshot()]);
    const r = await health(fresh.address, '60s');
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.equal((await etcdctl(fresh, ['get', '--print-value-only', '/bronze/before-snapshot'])).trim(), 'kept');
    assert.equal((await etcdctl(fresh, ['get', '--print-value-only', '/bronze/after-snapshot'])).trim(), '');
    const restored = await members(fresh.address);
    assert.deepEqual(
      restored.map((m) => m.name),
      [fresh.name],
    );
  });
});

/** The etcd processes whose data directory lies in the node's state directory. */
async function etcdPids(stateDir: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const argv = args.split('\0');
    if (argv[0]?.endsWith('/etcd') === true && argv.some((a) => a.includes(`${stateDir}/var/lib/etcd`)))
      found.push(Number(entry));
  }
  return found;
}
