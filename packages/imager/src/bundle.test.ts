import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundleInit, InitEntry } from './bundle.ts';
import { isImageError } from './image-error.ts';

test('bundling fails naming the entry when packages/machined/src/main.ts does not exist', async (t) => {
  const repo = await mkdtemp(join(tmpdir(), 'imager-bundle-'));
  t.after(() => rm(repo, { recursive: true, force: true }));
  await assert.rejects(
    bundleInit(join(repo, 'init.mjs'), { repoRoot: repo }),
    (err: unknown) =>
      isImageError(err) &&
      err.code === 'missing-input' &&
      err.message.includes(join(repo, InitEntry)) &&
      /NODE\.md/.test(err.message),
  );
});

test('bundling is skipped with the reason when esbuild is not installed', async (t) => {
  const repo = await mkdtemp(join(tmpdir(), 'imager-bundle-'));
  t.after(() => rm(repo, { recursive: true, force: true }));
  await mkdir(join(repo, 'packages/machined/src'), { recursive: true });
  await writeFile(join(repo, InitEntry), 'export {};\n');
  const r = await bundleInit(join(repo, 'init.mjs'), { repoRoot: repo });
  assert.ok(r.status === 'skipped');
  assert.match(r.reason, /esbuild is not installed/);
});
