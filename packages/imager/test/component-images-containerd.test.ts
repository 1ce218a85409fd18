// Imports a component image archive into the REAL Debian containerd (root, temporary root, state and
// socket) with ctr, as a node does at boot, and checks it lands under its exact reference.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { buildComponentImages } from '@bronze/imager';

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

test(
  'ctr imports the pause archive into k8s.io under registry.k8s.io/pause:3.10.1',
  { skip, timeout: 180_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'imager-ctrd-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    // pause is built with gcc in a second when it is not in the shared component cache yet.
    const [pause] = await buildComponentImages({ names: ['pause'], imageCache: join(dir, 'images') });
    assert.ok(pause);
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
    const ctr = (...args: string[]): Promise<{ stdout: string }> =>
      run('/usr/bin/ctr', ['-a', socket, '-n', 'k8s.io', ...args], { timeout: 60_000 });
    for (let i = 0; ; i++) {
      try {
        await ctr('version');
        break;
      } catch (err) {
        if (i >= 100 || child.exitCode !== null) throw err;
        await sleep(100);
      }
    }
    await ctr('images', 'import', pause.archivePath);
    const ls = await ctr('images', 'ls');
    const row = ls.stdout.split('\n').find((l) => l.startsWith('registry.k8s.io/pause:3.10.1 '));
    assert.ok(row, `ctr images ls shows the exact reference:\n${ls.stdout}`);
    assert.ok(row.includes(pause.manifestDigest), `with the archive's manifest digest ${pause.manifestDigest}`);
    assert.ok(row.includes('linux/amd64'));
  },
);
