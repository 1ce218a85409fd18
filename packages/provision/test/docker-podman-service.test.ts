// scripts/podman-service's work: start Podman's Docker API on a socket, leave it alone when it
// answers, stop it by pid.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { engineClient } from '../src/docker/engine-client.ts';
import { ensurePodmanService, stopPodmanService } from '../src/docker/podman-service.ts';
import { engineSkip } from './docker-fixture.ts';

void test('a podman binary that is not there: the error says what to install', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-podman-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(
    ensurePodmanService({ socketPath: join(dir, 'p.sock'), podman: join(dir, 'no-podman') }),
    /cannot run podman: .*install podman/,
  );
});

void test('starts the service once, records its pid, and stops it by pid', { skip: await engineSkip() }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-podman-'));
  const socketPath = join(dir, 'podman.sock');
  const first = await ensurePodmanService({ socketPath });
  t.after(async () => {
    await stopPodmanService(first);
    await rm(dir, { recursive: true, force: true });
  });
  assert.equal(first.started, true);
  assert.equal((await readFile(first.pidFile, 'utf8')).trim(), String(first.pid));
  assert.match(first.message, /^started podman system service on .*podman\.sock, pid \d+/);
  assert.equal(await engineClient(socketPath).ping(), 'OK');

  const second = await ensurePodmanService({ socketPath });
  assert.equal(second.started, false);
  assert.match(second.message, new RegExp(`already answers .*pid ${first.pid}`));

  await stopPodmanService(first);
  assert.throws(() => process.kill(first.pid ?? 0, 0), 'the service is gone');
  assert.equal(existsSync(first.pidFile), false);
});
