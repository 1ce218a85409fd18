// Started by durable-crash.test.ts and killed mid-write: updates resources of a persisted
// namespace as fast as it can, printing "ready" once the first round is on disk. Each spec records the version of its write.
import { DurableState, newResource, withSpec, type Resource } from '@bronze/runtime';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: durable-writer.ts DIR');
const state = await DurableState.open({ dir, namespaces: ['config'] });
const type = 'Blobs.test.bronze.dev';
// Large enough that a write spans several pages, so a kill can land inside one.
const fill = (n: number): string => 'x'.repeat(64 * 1024 + n);
const current = new Map<string, Resource<{ n: number; fill: string }>>();
for (let i = 0; i < 8; i++) {
  const id = `r${i}`;
  const existing = await state
    .get<{ n: number; fill: string }>({ namespace: 'config', type, id })
    .catch(() => undefined);
  current.set(
    id,
    existing ?? (await state.create(newResource({ namespace: 'config', type, id }, { n: 1, fill: fill(1) }))),
  );
}
process.stdout.write('ready\n');
for (;;) {
  await Promise.all(
    [...current.entries()].map(async ([id, res]) => {
      const n = res.metadata.version + 1; // the version this write will have
      current.set(id, await state.update(withSpec(res, { n, fill: fill(n) })));
    }),
  );
}
