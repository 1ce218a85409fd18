// osctl cluster create/show/destroy end to end, with a stand-in node program (the provider's
// fake-node.ts, named by $BRONZE_MACHINED) so the command's behaviour is tested without machined.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { loadClientConfig } from '@bronze/machinery';
import { DockerClusterFile, killNodesUnder } from '@bronze/provision';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

const fakeNode = join(import.meta.dirname, '..', '..', '..', 'provision', 'test', 'fake-node.ts');

async function setup(
  t: TestContext,
): Promise<{ dir: string; run: (...args: string[]) => Promise<{ code: number; out: string; err: string }> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-osctl-cluster-'));
  // One hook: after hooks run in order, and no node may outlive the directory.
  t.after(async () => {
    await killNodesUnder(dir);
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (...args: string[]) => {
    let out = '';
    let err = '';
    const io: Io = {
      out: (s) => (out += s),
      err: (s) => (err += s),
      env: { ...process.env, HOME: dir, TALOSCONFIG: join(dir, 'talosconfig'), BRONZE_MACHINED: fakeNode },
      cwd: dir,
    };
    const code = await runCli(args, io);
    return { code, out, err };
  };
  return { dir, run };
}

test('cluster create rejects bad flags with exit 2', async (t) => {
  const { run } = await setup(t);
  assert.equal((await run('cluster', 'create', '--provisioner', 'qemu')).code, 2);
  assert.match((await run('cluster', 'create', '--workers', 'two')).err, /--workers two is not a whole number/);
  assert.match((await run('cluster', 'create', '--wait-timeout', 'soon')).err, /--wait-timeout soon is not a duration/);
  const bad = await run('cluster', 'create', '--name', 'Not_OK');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /cluster name "Not_OK" is not valid/);
});

test('cluster create, show, create again, destroy', async (t) => {
  const { dir, run } = await setup(t);
  const created = await run(
    'cluster',
    'create',
    '--name',
    'cli',
    '--workers',
    '0',
    '--skip-bootstrap',
    '--config-patch',
    '{"machine": {"env": {"A": "b"}}}',
  );
  assert.equal(created.code, 0, created.err);
  assert.match(
    created.out,
    /NAME\s+ROLE\s+ADDRESS\s+PID\s+STATE\ncli-controlplane-1\s+controlplane\s+127\.0\.\d+\.2\s+\d+\s+running/,
  );
  assert.match(created.out, /ready: every node answers on the machine API \(etcd not bootstrapped/);
  assert.match(created.err, /waiting for the machine API/);
  const config = await loadClientConfig(join(dir, 'talosconfig'));
  assert.equal(config.context, 'cli');

  const shown = await run('cluster', 'show', '--name', 'cli');
  assert.equal(shown.code, 0);
  assert.match(shown.out, /state and logs: +.*\.bronze\/clusters\/cli/);
  const again = await run('cluster', 'create', '--name', 'cli', '--workers', '0');
  assert.equal(again.code, 1);
  assert.match(again.err, /cluster cli already exists/);

  const destroyed = await run('cluster', 'destroy', '--name', 'cli');
  assert.equal(destroyed.code, 0, destroyed.err);
  assert.match(destroyed.err, /cli-controlplane-1: stopped pid \d+ \(terminated\)/);
  const gone = await run('cluster', 'show', '--name', 'cli');
  assert.equal(gone.code, 1);
  assert.match(gone.err, /no cluster cli in .* \(clusters there: none\)/);
});

test('cluster show and destroy use the provisioner that created the cluster', async (t) => {
  const { dir, run } = await setup(t);
  await mkdir(join(dir, 'state', 'dk'), { recursive: true });
  await writeFile(join(dir, 'state', 'dk', DockerClusterFile), '{}');
  // The docker provisioner takes it (and refuses this empty record), not the process one.
  const r = await run(
    'cluster',
    'destroy',
    '--name',
    'dk',
    '--state',
    'state',
    '--docker-host',
    'unix:///nonexistent.sock',
  );
  assert.notEqual(r.code, 0);
  assert.match(r.err, /not a docker cluster record/);
  const p = await run('cluster', 'show', '--name', 'nope', '--state', 'state');
  assert.equal(p.code, 1);
  assert.match(p.err, /no cluster nope/);
});
