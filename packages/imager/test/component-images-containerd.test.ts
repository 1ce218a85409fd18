// Imports component image archives into the REAL Debian containerd (root, temporary root, state and
// socket) with ctr, as a node does at boot, checks they land under their exact references, and runs
// one in a container.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { buildComponentImages, componentImageSpecs, defaultComponentCache, isImageError } from '@bronze/imager';

const run = promisify(execFile);

async function usable(): Promise<string | false> {
  if (process.getuid?.() !== 0) return 'containerd needs root';
  try {
    await access('/usr/bin/containerd');
    await access('/usr/bin/ctr');
  } catch {
    return 'containerd is not installed: apt-get install containerd';
  }
  return false;
}

const skip = await usable();

type Ctr = (...args: string[]) => Promise<{ stdout: string }>;

/** The Debian containerd on a temporary root, state and socket (no CRI), stopped by pid after the test. */
async function startContainerd(t: TestContext, dir: string): Promise<Ctr> {
  const socket = join(dir, 'containerd.sock');
  const config = [
    'version = 2',
    `root = "${join(dir, 'root')}"`,
    `state = "${join(dir, 'state')}"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = "${socket}"`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'config.toml'), config);
  const child = spawn('/usr/bin/containerd', ['--config', join(dir, 'config.toml')], { stdio: 'ignore' });
  t.after(async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
  });
  const ctr: Ctr = (...args) => run('/usr/bin/ctr', ['-a', socket, '-n', 'k8s.io', ...args], { timeout: 60_000 });
  for (let i = 0; ; i++) {
    try {
      await ctr('version');
      return ctr;
    } catch (err) {
      if (i >= 100 || child.exitCode !== null) throw err;
      await sleep(100);
    }
  }
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imager-ctrd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test(
  'ctr imports the pause archive into k8s.io as registry.k8s.io/pause:3.10.1',
  { skip, timeout: 180_000 },
  async (t) => {
    const dir = await tempDir(t);
    // pause is built with gcc in a second when it is not in the shared component cache yet.
    const [pause] = await buildComponentImages({ names: ['pause'], imageCache: join(dir, 'images') });
    assert.ok(pause);
    const ctr = await startContainerd(t, dir);
    await ctr('images', 'import', pause.archivePath);
    const ls = await ctr('images', 'ls');
    const row = ls.stdout.split('\n').find((l) => l.startsWith('registry.k8s.io/pause:3.10.1 '));
    assert.ok(row, `ctr images ls shows the exact reference:\n${ls.stdout}`);
    assert.ok(row.includes(pause.manifestDigest), `with the archive's manifest digest ${pause.manifestDigest}`);
    assert.ok(row.includes('linux/amd64'));
  },
);

const kubeProxyBuilt = existsSync(join(defaultComponentCache, 'kube-proxy-v1.34.10', 'kube-proxy'))
  ? false
  : 'kube-proxy is not built: osctl image components build kube-proxy';

test(
  'the kube-proxy image runs its binary and its iptables in a container',
  { skip: skip === false ? kubeProxyBuilt : skip, timeout: 180_000 },
  async (t) => {
    const dir = await tempDir(t);
    const [proxy] = await buildComponentImages({
      names: ['kube-proxy'],
      imageCache: join(dir, 'images'),
      cachedBinariesOnly: true,
    });
    assert.ok(proxy);
    const ctr = await startContainerd(t, dir);
    await ctr('images', 'import', proxy.archivePath);
    const version = await ctr('run', '--rm', proxy.ref, 'version', '/usr/local/bin/kube-proxy', '--version');
    assert.match(version.stdout, /^Kubernetes v1\.34\.10/);
    // Privileged as in its DaemonSet; in a fresh network namespace, so nothing of the host is touched.
    const save = await ctr('run', '--rm', '--privileged', proxy.ref, 'save', '/usr/sbin/iptables-save', '-t', 'nat');
    assert.match(save.stdout, /nf_tables/);
    const legacy = await ctr(
      'run',
      '--rm',
      '--privileged',
      proxy.ref,
      'legacy',
      '/usr/sbin/iptables-legacy',
      '-t',
      'nat',
      '-S',
    );
    assert.match(legacy.stdout, /^-P PREROUTING ACCEPT/m);
  },
);

test('every component image imports into k8s.io under its exact reference', { skip, timeout: 300_000 }, async (t) => {
  let images;
  try {
    images = await buildComponentImages({ cachedBinariesOnly: true });
  } catch (err) {
    if (isImageError(err) && err.code === 'missing-input') {
      t.skip(err.message);
      return;
    }
    throw err;
  }
  const dir = await tempDir(t);
  const ctr = await startContainerd(t, dir);
  for (const i of images) await ctr('images', 'import', i.archivePath);
  const refs = (await ctr('images', 'ls', '-q')).stdout.split('\n').filter((l) => !l.startsWith('sha256:') && l !== '');
  assert.deepEqual(refs.sort(), images.map((i) => i.ref).sort());
  assert.deepEqual(images.map((i) => i.ref).sort(), componentImageSpecs.map((s) => s.ref).sort());
});
