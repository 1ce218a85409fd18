// osctl bootstrap and osctl etcd against a real process cluster of three control planes: one
// bootstrap on the first makes all three voting members with no other step (through apid), a
// snapshot is saved whole, and a second bootstrap is refused.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultNodeProgram, processProvisioner } from '@bronze/provision';
import { runCli } from '../src/cli.ts';
import type { NodeIo } from '../src/commands/node-command.ts';

const program = defaultNodeProgram();
const missing = existsSync(program) ? false : `machined is not in this tree yet (${program})`;
const noEtcd = existsSync('/usr/bin/etcd') ? false : 'no etcd binary';

test('osctl bootstrap forms a three-member etcd', { skip: missing || noEtcd, timeout: 60_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bronze-osctl-etcd-'));
  const provisioner = processProvisioner({ stateRoot: root, stopTimeoutMs: 5000 });
  t.after(async () => {
    await provisioner.destroy('etcd').catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });
  const info = await provisioner.create({
    name: 'etcd',
    controlPlanes: 3,
    workers: 0,
    rsaBits: 2048,
    waitTimeoutMs: 30_000,
    talosconfig: join(root, 'talosconfig'),
  });
  const [cp1, cp2, cp3] = info.nodes.map((n) => n.address);
  assert.ok(cp1 !== undefined && cp2 !== undefined && cp3 !== undefined);
  const osctl = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const io: NodeIo = { out: (s) => (stdout += s), err: (s) => (stderr += s), env: { HOME: root }, cwd: root };
    const code = await runCli(['--talosconfig', join(root, 'talosconfig'), '-e', cp1, ...args], io);
    return { code, stdout, stderr };
  };

  const boot = await osctl(['bootstrap', '-n', cp1]);
  assert.equal(boot.code, 0, boot.stderr);

  const deadline = Date.now() + 45_000;
  let members: { code: number; stdout: string; stderr: string };
  for (;;) {
    members = await osctl(['etcd', 'members', '-n', cp2]);
    const rows = members.stdout
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '');
    if (members.code === 0 && rows.length === 3 && rows.every((r) => /\bfalse\s*$/.test(r))) break;
    assert.ok(Date.now() < deadline, `three voting members: ${members.stdout}${members.stderr}`);
    await sleep(500);
  }
  assert.match(members.stdout, /^NODE +ID +HOSTNAME +PEER URLS +CLIENT URLS +LEARNER/);
  for (const address of [cp1, cp2, cp3]) assert.match(members.stdout, new RegExp(`https://${address}:2380`));

  const again = await osctl(['bootstrap', '-n', cp3]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already running/);

  const file = join(root, 'etcd.snapshot');
  const snap = await osctl(['etcd', 'snapshot', file, '-n', cp1]);
  assert.equal(snap.code, 0, snap.stderr);
  const bytes = await readFile(file);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal(
    snap.stdout,
    `etcd snapshot saved to ${file} (${String(bytes.length)} bytes)\nsha256: ${createHash('sha256').update(bytes).digest('hex')}\n`,
  );
  assert.equal(existsSync(`${file}.part`), false);
  const refused = await osctl(['etcd', 'snapshot', file, '-n', cp1]);
  assert.equal(refused.code, 2);

  const status = await osctl(['etcd', 'status', '-n', `${cp1},${cp2},${cp3}`]);
  assert.equal(status.code, 0, status.stderr);
  assert.equal(status.stdout.trim().split('\n').length, 4);

  // cp3 leaves (its data wiped), then starts a cluster of its own from the snapshot, uploaded
  // through apid: the recover path end to end.
  const left = await osctl(['etcd', 'leave', '-n', cp3]);
  assert.equal(left.code, 0, left.stderr);
  assert.equal(left.stdout, `${cp3}: left the etcd cluster\n`);
  const two = await osctl(['etcd', 'members', '-n', cp1]);
  assert.equal(two.stdout.trim().split('\n').length, 3, two.stdout);
  const recovered = await osctl(['bootstrap', '--recover-from', file, '-n', cp3]);
  assert.equal(recovered.code, 0, recovered.stderr);
  assert.match(recovered.stderr, new RegExp(`^uploaded ${file.replace(/[.]/g, '\\.')}\n`, 'm'));
  let alone: string;
  const until = Date.now() + 15_000;
  for (;;) {
    const run = await osctl(['etcd', 'members', '-n', cp3]);
    alone = run.stdout + run.stderr;
    if ((run.code === 0 && run.stdout.trim().split('\n').length === 2) || Date.now() > until) break;
    await sleep(300);
  }
  assert.match(alone, new RegExp(`https://${cp3}:2380`));
  assert.equal(alone.trim().split('\n').length, 2, alone);
});
