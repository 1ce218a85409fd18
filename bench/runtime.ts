// The resource runtime: updates per second on one resource type (in memory, with and without 100
// watchers reading along, and persisted by the durable backend), the latency from an update to its watchers' events with 1, 100 and 1000
// watchers, and how long a chain of 10 transform controllers (A→B→...→K) takes to converge.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  DurableState,
  Engine,
  MemoryState,
  defineResource,
  transformController,
  withSpec,
  type Resource,
  type ResourceType,
  type State,
} from '@bronze/runtime';
import { benchLine, percentile } from './lib-stats.ts';

interface Spec {
  n: number;
  t: number;
}
const empty = (): Spec => ({ n: 0, t: 0 });
const Item = defineResource<Spec>({ type: 'Items.bench.bronze.dev', defaultNamespace: 'bench', empty });

async function updatesPerSecond(state: State, count: number): Promise<number> {
  const ids = 100;
  const current: Resource<Spec>[] = [];
  for (let i = 0; i < ids; i++) current.push(await state.create(Item.make(`r${i}`)));
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const k = i % ids;
    const cur = current[k]!;
    current[k] = await state.update(withSpec(cur, { n: i, t: 0 }));
  }
  return count / ((performance.now() - t0) / 1000);
}

/** Runs `body` on a state that `count` kind watchers read all the while. */
async function withWatchers<T>(count: number, body: (state: State) => Promise<T>): Promise<T> {
  const state = new MemoryState();
  const ac = new AbortController();
  const loops = Array.from({ length: count }, async () => {
    for await (const ev of state.watchKind(Item.kind(), { signal: ac.signal })) {
      if (ev.type === 'errored') throw ev.error;
    }
  });
  try {
    return await body(state);
  } finally {
    ac.abort();
    await Promise.all(loops);
  }
}

/** Latencies (ms) from an update to each watcher's event; each update waits for all deliveries. */
async function watchLatency(watchers: number, updates: number): Promise<number[]> {
  const state = new MemoryState();
  let res = await state.create(Item.make('w'));
  const ac = new AbortController();
  const samples: number[] = [];
  let remaining = 0;
  let allSeen: () => void = () => undefined;
  const loops = Array.from({ length: watchers }, async () => {
    for await (const ev of state.watchKind<Spec>(Item.kind(), { signal: ac.signal })) {
      if (ev.type !== 'updated') continue;
      samples.push(performance.now() - ev.resource.spec.t);
      if (--remaining === 0) allSeen();
    }
  });
  for (let i = 0; i < updates; i++) {
    const seen = new Promise<void>((resolve) => (allSeen = resolve));
    remaining = watchers;
    res = await state.update(withSpec(res, { n: i, t: performance.now() }));
    await seen;
  }
  ac.abort();
  await Promise.all(loops);
  return samples.sort((a, b) => a - b);
}

/** Milliseconds from a change of A until the 10th controller has written K. */
async function chainConvergence(rounds: number): Promise<number[]> {
  const types: ResourceType<Spec>[] = 'ABCDEFGHIJK'
    .split('')
    .map((c) => defineResource<Spec>({ type: `${c}s.bench.bronze.dev`, defaultNamespace: 'bench', empty }));
  const state = new MemoryState();
  const engine = new Engine(state);
  for (let i = 0; i < 10; i++) {
    engine.register(
      transformController({
        name: `bench.Step${i}Controller`,
        input: types[i]!,
        output: types[i + 1]!,
        map: (r) => r.metadata.id,
        transform: (input, out) => {
          out.n = input.spec.n;
        },
      }),
    );
  }
  engine.start();
  const ac = new AbortController();
  const last = state.watch<Spec>(types[10]!.pointer('x'), { signal: ac.signal });
  let a = await state.create(types[0]!.make('x', { n: 0, t: 0 }));
  const times: number[] = [];
  const until = async (n: number): Promise<void> => {
    // next() by hand: a for-await that returns early would close the watcher.
    for (;;) {
      const r = await last.next();
      if (r.done === true) throw new Error('bench: the watch of K ended');
      const ev = r.value;
      if (ev.type === 'errored') throw ev.error;
      if (ev.type !== 'bootstrapped' && ev.resource.spec.n === n) return;
    }
  };
  await until(0);
  for (let i = 1; i <= rounds; i++) {
    const t0 = performance.now();
    a = await state.update(withSpec(a, { n: i, t: 0 }));
    await until(i);
    times.push(performance.now() - t0);
  }
  const k = await state.get<Spec>(types[10]!.pointer('x'));
  if (k.spec.n !== rounds || k.metadata.version !== rounds + 1) {
    throw new Error(
      `bench: K is at n=${k.spec.n} version ${k.metadata.version}, want n=${rounds} version ${rounds + 1}`,
    );
  }
  ac.abort();
  await engine.stop();
  return times.sort((x, y) => x - y);
}

const memUps = await updatesPerSecond(new MemoryState(), 300_000);
process.stdout.write(`updates/s, one type, in memory:       ${memUps.toFixed(0)}\n`);
const watchedUps = await withWatchers(100, (state) => updatesPerSecond(state, 100_000));
process.stdout.write(`updates/s, same, with 100 watchers:   ${watchedUps.toFixed(0)}\n`);
const dir = await mkdtemp(join(tmpdir(), 'bronze-bench-'));
try {
  const durable = await DurableState.open({ dir, namespaces: ['bench'] });
  const durUps = await updatesPerSecond(durable, 2_000);
  process.stdout.write(`updates/s, one type, durable (fsync): ${durUps.toFixed(0)}\n`);
  const figures: Record<string, number> = {
    updates_per_s: memUps,
    updates_per_s_100_watchers: watchedUps,
    durable_updates_per_s: durUps,
  };
  for (const [watchers, updates] of [
    [1, 5000],
    [100, 1000],
    [1000, 200],
  ] as const) {
    const lat = await watchLatency(watchers, updates);
    const p50 = percentile(lat, 50);
    const p99 = percentile(lat, 99);
    process.stdout.write(
      `update→event latency, ${String(watchers).padStart(4)} watchers: p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms\n`,
    );
    figures[`watch${watchers}_p50_ms`] = p50;
    figures[`watch${watchers}_p99_ms`] = p99;
  }
  const chain = await chainConvergence(500);
  const c50 = percentile(chain, 50);
  const c99 = percentile(chain, 99);
  process.stdout.write(`chain of 10 controllers converges: p50 ${c50.toFixed(3)} ms, p99 ${c99.toFixed(3)} ms\n`);
  figures['chain10_p50_ms'] = c50;
  figures['chain10_p99_ms'] = c99;
  process.stdout.write(benchLine('runtime', figures) + '\n');
} finally {
  await rm(dir, { recursive: true, force: true });
}
