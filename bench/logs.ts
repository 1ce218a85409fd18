// npm run bench -- logs: a service's log ring with 100k lines. Memory held by the ring (compressed
// chunks) against the same lines kept as a plain array of strings (the peer), append throughput,
// tail(1000) latency, and follow throughput (lines/s delivered to one follower while appending).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LogRing } from '../packages/machined/src/log/log-ring.ts';
import { benchLine, percentile } from './lib-stats.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const total = 100_000;
const line = (i: number): string =>
  `2026-11-21T23:59:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z level=info msg="handled request" method=GET path=/v1/items/${i % 997} status=200 took=${(i * 7) % 1000}us req=${i}`;

function heap(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

// Memory: the ring with its default budget (1 MiB) and with a budget large enough to keep all.
function measure(make: () => { append(l: string): void }): { bytes: number; keep: unknown } {
  const before = heap();
  const sink = make();
  for (let i = 0; i < total; i++) sink.append(line(i));
  const bytes = heap() - before;
  return { bytes, keep: sink };
}

const plain = measure(() => {
  const arr: string[] = [];
  return { append: (l: string) => arr.push(l), arr };
});
const ringAll = measure(() => new LogRing({ maxBytes: 64 << 20 }));
const ringDefault = measure(() => new LogRing());
const all = ringAll.keep as LogRing;
const def = ringDefault.keep as LogRing;
const rawBytes = all.stats().rawBytes;

// Append throughput.
const appendRing = new LogRing();
const t0 = performance.now();
for (let i = 0; i < total; i++) appendRing.append(line(i));
const appendPerSec = total / ((performance.now() - t0) / 1000);

// tail(1000) latency on the full ring (decompresses the chunks it needs).
const tails: number[] = [];
for (let i = 0; i < 200; i++) {
  const s = performance.now();
  all.tail(1000);
  tails.push(performance.now() - s);
}
tails.sort((a, b) => a - b);

// Follow throughput: one follower reads while a writer appends in batches.
const followRing = new LogRing();
const ac = new AbortController();
let got = 0;
const reader = (async () => {
  for await (const _ of followRing.follow({ signal: ac.signal, tailLines: 0 })) {
    if (++got === total) ac.abort();
  }
})();
const f0 = performance.now();
for (let i = 0; i < total; i += 100) {
  for (let j = i; j < i + 100; j++) followRing.append(line(j));
  await new Promise((r) => setImmediate(r));
}
await reader;
const followPerSec = got / ((performance.now() - f0) / 1000);

const mib = (b: number): string => `${(b / (1 << 20)).toFixed(2)} MiB`;
process.stdout.write(
  [
    `${total} lines, ${mib(rawBytes)} of text`,
    `plain string array:            ${mib(plain.bytes)}`,
    `ring keeping all (compressed): ${mib(ringAll.bytes)} (stored ${mib(all.stats().storedBytes)})`,
    `ring with default 1 MiB:       ${mib(ringDefault.bytes)}, keeps ${def.stats().lines} of ${total} lines`,
    `append: ${Math.round(appendPerSec)} lines/s; tail(1000) p50 ${percentile(tails, 50).toFixed(2)} ms p99 ${percentile(tails, 99).toFixed(2)} ms`,
    `follow: ${Math.round(followPerSec)} lines/s (${got} lines)`,
    '',
  ].join('\n'),
);
process.stdout.write(
  `${benchLine('logs', {
    lines: total,
    raw_mib: rawBytes / (1 << 20),
    plain_mib: plain.bytes / (1 << 20),
    ring_all_mib: ringAll.bytes / (1 << 20),
    ring_vs_plain: ringAll.bytes / plain.bytes,
    default_ring_lines: def.stats().lines,
    append_lines_s: appendPerSec,
    tail1000_p50_ms: percentile(tails, 50),
    follow_lines_s: followPerSec,
  })}\n`,
);
