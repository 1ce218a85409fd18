import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DurableState } from '@bronze/runtime';

const writer = join(import.meta.dirname, 'durable-writer.ts');

async function killMidWrite(dir: string, afterMs: number): Promise<void> {
  const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        if (b.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => {
        reject(new Error(`durable writer exited early with ${String(code)}`));
      });
    });
    await sleep(afterMs);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

test('a process killed mid-write leaves every resource whole', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-crash-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  let last = 0;
  for (const afterMs of [30, 70, 110]) {
    await killMidWrite(dir, afterMs);
    const state = await DurableState.open({ dir, namespaces: ['config'] });
    const all = await state.list<{ n: number; fill: string }>({ namespace: 'config', type: 'Blobs.test.bronze.dev' });
    assert.equal(all.length, 8);
    for (const r of all) {
      assert.equal(r.spec.fill.length, 64 * 1024 + r.spec.n, 'a spec is never cut short');
      assert.equal(r.metadata.version, r.spec.n, 'version and spec come from the same write');
    }
    const max = Math.max(...all.map((r) => r.spec.n));
    assert.ok(max >= last, 'progress is never lost');
    last = max;
    const kindDir = join(dir, 'config', 'Blobs.test.bronze.dev');
    assert.deepEqual(
      (await readdir(kindDir)).filter((f) => f.endsWith('.tmp')),
      [],
      'leftover temporary files are removed',
    );
  }
  assert.ok(last > 1, 'the writer made progress before it was killed');
});
