// Fixtures for the docker tests: the engine (Podman's service, started when nothing answers and
// stopped after), and a tiny image built here: one statically linked C program as /init in a
// docker-archive tar, since no registry is reachable.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestContext } from 'node:test';
import { resolveDockerHost } from '../src/docker/docker-host.ts';
import { engineClient, type EngineClient } from '../src/docker/engine-client.ts';
import { ensurePodmanService, stopPodmanService } from '../src/docker/podman-service.ts';

const run = promisify(execFile);

/** Why the engine tests cannot run here, or false. */
export async function engineSkip(): Promise<string | false> {
  for (const tool of ['podman', 'gcc', 'tar']) {
    try {
      await run('sh', ['-c', `command -v ${tool}`]);
    } catch {
      return `${tool} is not installed`;
    }
  }
  return false;
}

let shared: Promise<{ client: EngineClient; stop: () => Promise<void> }> | undefined;

/**
 * A client for the engine; starts Podman's service on a private socket when none answers, once per
 * test file. Each file stops it with `after(stopTestEngine)` at top level, which runs after every
 * test's own cleanup (a per-test hook would stop the engine before the test's objects are removed).
 */
export async function testEngine(): Promise<EngineClient> {
  shared ??= startEngine();
  return (await shared).client;
}

export async function stopTestEngine(): Promise<void> {
  if (shared !== undefined) await (await shared).stop();
}

async function startEngine(): Promise<{ client: EngineClient; stop: () => Promise<void> }> {
  const client = engineClient(resolveDockerHost());
  if ((await client.ping().catch(() => '')) === 'OK') return { client, stop: () => Promise.resolve() };
  const dir = await mkdtemp(join(tmpdir(), 'bronze-podman-'));
  const service = await ensurePodmanService({ socketPath: join(dir, 'podman.sock') });
  return {
    client: engineClient(service.socketPath),
    stop: async () => {
      await stopPodmanService(service);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const program = `
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
static volatile sig_atomic_t stop;
static void on_term(int s) { (void)s; stop = 1; }
int main(void) {
  const char *mode = getenv("MODE");
  signal(SIGTERM, mode && strcmp(mode, "stubborn") == 0 ? SIG_IGN : on_term);
  const char *u = getenv("USERDATA");
  struct rlimit r; getrlimit(RLIMIT_NOFILE, &r);
  printf("userdata=%s\\nnofile=%lu/%lu\\n", u ? u : "", (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
  FILE *v = fopen("/var/probe", "w"); printf("var=%s\\n", v ? "writable" : "read-only"); if (v) fclose(v);
  FILE *g = fopen("/probe", "w"); printf("root=%s\\n", g ? "writable" : "read-only");
  fflush(stdout);
  fprintf(stderr, "started\\n");
  while (!stop) pause();
  printf("terminated\\n");
  return 0;
}
`;

export interface TestImage {
  ref: string;
  tar: string;
}

/** Builds the image tar (gcc -static, tar) under a temporary directory removed after the test. */
export async function buildTestImage(t: TestContext, tag: string): Promise<TestImage> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-image-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const root = join(dir, 'rootfs');
  for (const d of ['var', 'run', 'system', 'tmp', 'proc', 'sys', 'dev', 'etc'])
    await mkdir(join(root, d), { recursive: true });
  // The tag in the layer makes each image's id unique: removing one (forced) never touches another
  // test file's image or the containers made from it.
  await writeFile(join(root, 'etc', 'bronze-test-tag'), `${tag}\n`);
  await writeFile(join(dir, 'init.c'), program);
  await run('gcc', ['-static', '-Os', '-o', join(root, 'init'), join(dir, 'init.c')]);
  const archive = join(dir, 'archive');
  await mkdir(archive);
  const layer = join(archive, 'layer.tar');
  await run('tar', ['--sort=name', '--owner=0', '--group=0', '--mtime=@0', '-C', root, '-cf', layer, '.']);
  const diffId = `sha256:${createHash('sha256')
    .update(await readFile(layer))
    .digest('hex')}`;
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: { Entrypoint: ['/init'], Env: ['PATH=/'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
  };
  await writeFile(join(archive, 'config.json'), JSON.stringify(config));
  const ref = `localhost/bronze-test:${tag}`;
  await writeFile(
    join(archive, 'manifest.json'),
    JSON.stringify([{ Config: 'config.json', RepoTags: [ref], Layers: ['layer.tar'] }]),
  );
  const tar = join(dir, 'image.tar');
  await run('tar', ['-C', archive, '-cf', tar, 'manifest.json', 'config.json', 'layer.tar']);
  return { ref, tar };
}

/** A name unique to this run, for engine objects. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}
