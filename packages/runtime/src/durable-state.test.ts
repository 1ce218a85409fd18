import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DurableState } from './durable-state.ts';
import { newResource, withSpec, type Pointer } from './resource.ts';
import { stateConformance } from './state-conformance.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-durable-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

stateConformance('DurableState', async (t, options) =>
  DurableState.open({ ...options, dir: await tempDir(t), namespaces: ['config'] }),
);

const type = 'Things.test.bronze.dev';
const at = (namespace: string, id: string): Pointer => ({ namespace, type, id });

test('DurableState reloads persisted namespaces and forgets the others', async (t) => {
  const dir = await tempDir(t);
  const s = await DurableState.open({ dir, namespaces: ['config'] });
  const a = await s.create(newResource(at('config', 'a/b c..'), { n: 1, bytes: new Uint8Array([7]) }), { owner: 'x' });
  await s.update(withSpec(a, { n: 2, bytes: new Uint8Array([8]) }), { owner: 'x' });
  await s.create(newResource(at('config', 'gone'), { n: 0 }));
  await s.destroy(at('config', 'gone'));
  await s.create(newResource(at('config', 'held'), { n: 0 }));
  await s.addFinalizer(at('config', 'held'), 'f');
  await s.teardown(at('config', 'held'));
  await s.create(newResource(at('runtime', 'volatile'), { n: 0 }));

  const again = await DurableState.open({ dir, namespaces: ['config'] });
  const got = await again.get(at('config', 'a/b c..'));
  assert.deepEqual(got, await s.get(at('config', 'a/b c..')));
  assert.equal(got.metadata.version, 2);
  assert.equal(got.metadata.owner, 'x');
  const held = await again.get(at('config', 'held'));
  assert.equal(held.metadata.phase, 'tearingDown');
  assert.deepEqual(held.metadata.finalizers, ['f']);
  assert.deepEqual(
    (await again.list({ namespace: 'config', type })).map((r) => r.metadata.id),
    ['a/b c..', 'held'],
  );
  assert.deepEqual(await again.list({ namespace: 'runtime', type }), []);
});

test('DurableState ignores and removes a torn temporary write', async (t) => {
  const dir = await tempDir(t);
  const s = await DurableState.open({ dir, namespaces: ['config'] });
  await s.create(newResource(at('config', 'a'), { n: 1 }));
  const kindDir = join(dir, 'config', type);
  const [file] = await readdir(kindDir);
  await writeFile(join(kindDir, `${file ?? ''}.abc123.tmp`), '{"metadata":{"namespace":"con');
  const again = await DurableState.open({ dir, namespaces: ['config'] });
  assert.deepEqual((await again.get(at('config', 'a'))).spec, { n: 1 });
  assert.deepEqual(await readdir(kindDir), [file]);
});

test('DurableState names a damaged file and says what to do', async (t) => {
  const dir = await tempDir(t);
  const s = await DurableState.open({ dir, namespaces: ['config'] });
  await s.create(newResource(at('config', 'a'), { n: 1 }));
  const kindDir = join(dir, 'config', type);
  await writeFile(join(kindDir, 'a.json'), '{"metadata":');
  await assert.rejects(DurableState.open({ dir, namespaces: ['config'] }), (err: Error) => {
    assert.match(err.message, /failed to load the durable state/);
    assert.match((err.cause as Error).message, /a\.json is damaged; move it away/);
    return true;
  });
});

test('DurableState leaves the state unchanged when a write fails', async (t) => {
  const dir = await tempDir(t);
  const s = await DurableState.open({ dir, namespaces: ['config'] });
  // A file where the namespace directory should be makes every write fail.
  await writeFile(join(dir, 'config'), 'not a directory');
  await assert.rejects(s.create(newResource(at('config', 'a'), { n: 1 })), /failed to persist resource to/);
  await assert.rejects(s.get(at('config', 'a')), /does not exist/);
  await s.create(newResource(at('runtime', 'a'), { n: 1 }));
});

test('DurableState applies concurrent writes one at a time, each persisted', async (t) => {
  const dir = await tempDir(t);
  const s = await DurableState.open({ dir, namespaces: ['config'] });
  const created = await Promise.all(
    Array.from({ length: 40 }, (_, i) => s.create(newResource(at('config', `r${i}`), { n: i }))),
  );
  const results = await Promise.allSettled(created.flatMap((r) => [s.update(withSpec(r, { n: -1 })), s.update(r)]));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 40, 'one update per resource wins');
  assert.ok(results.every((r) => r.status === 'fulfilled' || /not the current version/.test(String(r.reason))));
  const again = await DurableState.open({ dir, namespaces: ['config'] });
  assert.deepEqual(await again.list({ namespace: 'config', type }), await s.list({ namespace: 'config', type }));
});
