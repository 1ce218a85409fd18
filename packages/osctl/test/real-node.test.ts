// osctl's online commands against a real process cluster (1 control plane, 1 worker: machined,
// apid and trustd as processes), one test per command family, all through the control plane's
// endpoint with -n. Skipped only when machined is not in the tree.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, suite, test } from 'node:test';
import { defaultNodeProgram, processProvisioner, type ClusterInfo } from '@bronze/provision';
import { runCli } from '../src/cli.ts';
import type { NodeIo } from '../src/commands/node-command.ts';

const program = defaultNodeProgram();
const missing = existsSync(program) ? false : `machined is not in this tree yet (${program})`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

void suite('osctl against a real process cluster', { skip: missing, timeout: 120_000 }, () => {
  let root = '';
  let info: ClusterInfo;
  let created = false;
  let cp = '';
  let worker = '';
  const provisioner = () => processProvisioner({ stateRoot: root, stopTimeoutMs: 5000 });

  const osctl = async (
    args: string[],
    options: { signal?: AbortSignal; write?: (b: Uint8Array) => void } = {},
  ): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const io: NodeIo = {
      out: (s) => (stdout += s),
      err: (s) => (stderr += s),
      env: { HOME: root },
      cwd: root,
      ...options,
    };
    const code = await runCli(['--talosconfig', join(root, 'talosconfig'), '-e', cp, ...args], io);
    return { code, stdout, stderr };
  };

  const until = (ms: number): AbortSignal => AbortSignal.timeout(ms);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'bronze-osctl-real-'));
    info = await provisioner().create({
      name: 'osctl',
      controlPlanes: 1,
      workers: 1,
      rsaBits: 2048,
      waitTimeoutMs: 30_000,
      talosconfig: join(root, 'talosconfig'),
    });
    created = true;
    cp = info.nodes[0]?.address ?? '';
    worker = info.nodes[1]?.address ?? '';
  });

  after(async () => {
    if (created)
      await provisioner()
        .destroy('osctl')
        .catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  test('version reaches both nodes through one endpoint', async () => {
    const run = await osctl(['version', '-n', `${cp},${worker}`]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`NODE: +${cp.replaceAll('.', '\\.')}\\n\\tTag: +v`));
    assert.match(run.stdout, new RegExp(`NODE: +${worker.replaceAll('.', '\\.')}\\n`));
  });

  test('services, service status and logs of apid', async () => {
    const list = await osctl(['services', '-n', cp]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^NODE +SERVICE +STATE +HEALTH +LAST CHANGE +LAST EVENT\n/);
    assert.match(list.stdout, /\n\S+ +apid +Running /);
    const one = await osctl(['service', 'apid', '-n', cp]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^NODE +\S+\nID +apid\nSTATE +Running\n/);
    const logs = await osctl(['logs', 'apid', '--tail', '2', '-n', cp]);
    assert.equal(logs.code, 0, logs.stderr);
    const lines = logs.stdout.split('\n').filter((l) => l !== '');
    assert.ok(lines.length > 0 && lines.length <= 2, logs.stdout);
    for (const l of lines) assert.ok(l.startsWith(`${cp}: `), l);
    const restart = await osctl(['service', 'trustd', 'restart', '-n', cp]);
    assert.equal(restart.code, 0, restart.stderr);
    assert.match(restart.stdout, /^NODE +RESPONSE\n\S+ +\S/);
    const dmesg = await osctl(['dmesg', '-n', cp]);
    // the process platform serves the host's kernel log when it is readable, else says so
    if (dmesg.code === 0) assert.ok(dmesg.stdout.startsWith(`${cp}: `), dmesg.stdout.slice(0, 200));
    else assert.ok(dmesg.stderr.startsWith(`${cp}: `), dmesg.stderr);
    const unknown = await osctl(['logs', 'no-such-service', '-n', cp]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, new RegExp(`^${cp.replaceAll('.', '\\.')}: `));
  });

  test('events replay with --tail and stop on Ctrl-C', async () => {
    const run = await osctl(['events', '--tail', '3', '-n', cp], { signal: until(1500) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^NODE +TYPE +ID +EVENT\n/);
    assert.ok(run.stdout.split('\n').filter((l) => l.startsWith(cp)).length >= 1, run.stdout);
  });

  test('get resolves aliases, lists definitions and reads a resource as yaml', async () => {
    const rd = await osctl(['get', 'rd', '-n', cp]);
    assert.equal(rd.code, 0, rd.stderr);
    assert.match(rd.stdout, /machinestatuses\.runtime\.talos\.dev/);
    const ms = await osctl(['get', 'machinestatus', '-n', `${cp},${worker}`]);
    assert.equal(ms.code, 0, ms.stderr);
    assert.match(ms.stdout, /^NODE +NAMESPACE +TYPE +ID +VERSION/);
    assert.equal(ms.stdout.split('\n').filter((l) => l.includes('MachineStatus')).length, 2, ms.stdout);
    const yaml = await osctl(['get', 'hostnamestatus', '-o', 'yaml', '-n', worker]);
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.match(
      yaml.stdout,
      new RegExp(`^node: ${worker.replaceAll('.', '\\.')}\\nmetadata:\\n    namespace: network\\n`),
    );
  });

  test('processes, memory, mounts, list, read and usage', async () => {
    for (const args of [['ps'], ['memory'], ['mounts'], ['ls', '/'], ['du', '/system/state']]) {
      const run = await osctl([...args, '-n', cp]);
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stdout, /^NODE /, args.join(' '));
    }
    const file = 'proc/sys/kernel/random/boot_id';
    const listed = await osctl(['ls', '/', '-r', '-t', 'f', '-n', cp]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.includes(` ${file}\n`), listed.stdout);
    const chunks: Buffer[] = [];
    const read = await osctl(['read', `/${file}`, '-n', cp], { write: (b) => chunks.push(Buffer.from(b)) });
    assert.equal(read.code, 0, read.stderr);
    const copy = await osctl(['copy', `/${file}`, 'copied', '-n', cp]);
    assert.equal(copy.code, 0, copy.stderr);
    const base = file.split('/').at(-1) ?? '';
    assert.deepEqual(await readFile(join(root, 'copied', base)), Buffer.concat(chunks));
  });

  test('a talosconfig of another cluster is refused with what to check', async () => {
    const gen = await osctl(['gen', 'config', 'other', 'https://10.9.9.9:6443', '-t', 'talosconfig', '-o', 'other']);
    assert.equal(gen.code, 0, gen.stderr);
    const run = await osctl(['--talosconfig', join(root, 'other'), 'version', '-n', cp]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^error: the server certificate of 127\.\d+\.\d+\.\d+:50000 is not signed by the CA of talosconfig context "other"/,
    );
  });

  test('kubeconfig merges into ~/.kube/config, replaces the same cluster, refuses a worker', async () => {
    const first = await osctl(['kubeconfig', '-n', cp]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /merged into .*\.kube\/config: context admin@osctl is current\n$/);
    const path = join(root, '.kube', 'config');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const again = await osctl(['kubeconfig', '-n', cp]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '');
    const text = await readFile(path, 'utf8');
    assert.equal(text.match(/name: admin@osctl\n/g)?.length, 2, text);
    assert.match(text, /current-context: admin@osctl/);
    assert.match(text, /system|client-certificate-data: /);
    const whole = await osctl(['kubeconfig', path, '--merge=false', '-n', cp]);
    assert.equal(whole.code, 1);
    assert.match(whole.stderr, /exists/);
    const named = await osctl(['kubeconfig', '.', '--merge=false', '--force-context-name', 'lab', '-n', cp]);
    assert.equal(named.code, 0, named.stderr);
    assert.match(await readFile(join(root, 'kubeconfig'), 'utf8'), /current-context: lab/);
    const refused = await osctl(['kubeconfig', join(root, 'w'), '-n', worker]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /control-plane nodes only/);
    const two = await osctl(['kubeconfig', '-n', `${cp},${worker}`]);
    assert.equal(two.code, 2);
  });

  test('reboot --wait brings the worker back', async () => {
    const run = await osctl(['reboot', '--wait', '--timeout', '60s', '-n', worker]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `^NODE +ACTOR ID\\n${worker.replaceAll('.', '\\.')} .*\\n${worker.replaceAll('.', '\\.')}: back up\\n$`,
      ),
    );
    const version = await osctl(['version', '-n', worker]);
    assert.equal(version.code, 0, version.stderr);
  });

  test('config new writes a reader talosconfig that works for reads only', async () => {
    const made = await osctl(['config', 'new', 'reader', '--roles', 'os:reader', '--crt-ttl', '1h', '-n', cp]);
    assert.equal(made.code, 0, made.stderr);
    const text = await readFile(join(root, 'reader'), 'utf8');
    assert.match(text, /contexts:/);
    const as = (args: string[]) => osctl(['--talosconfig', join(root, 'reader'), ...args]);
    const read = await as(['get', 'machinestatus', '-n', cp]);
    assert.equal(read.code, 0, read.stderr);
    const denied = await as(['reboot', '-n', cp]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, new RegExp(`^${cp.replaceAll('.', '\\.')}: /machine\\.MachineService/Reboot: .*`));
  });

  test('shutdown stops the worker; then it fails alone while the control plane still answers', async () => {
    const down = await osctl(['shutdown', '--force', '-n', worker]);
    assert.equal(down.code, 0, down.stderr);
    let run: Run = { code: 0, stdout: '', stderr: '' };
    for (let i = 0; i < 40 && run.stderr === ''; i++) {
      run = await osctl(['version', '--short', '-n', `${cp},${worker}`]);
      if (run.stderr === '') await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(run.code, 1);
    assert.match(run.stdout, new RegExp(`NODE: +${cp.replaceAll('.', '\\.')}\\n`));
    assert.match(run.stderr, new RegExp(`^${worker.replaceAll('.', '\\.')}: /machine\\.MachineService/Version: `));
    assert.match(run.stderr, /error: 1 of 2 nodes failed; see the errors above\n$/);
  });
});
