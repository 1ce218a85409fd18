// Merges one server stream per node into a single async iterable of tagged items. A node's stream
// is pulled while fewer than `highWater` of its items wait to be taken (backpressure per node, so
// a fast node cannot flood memory); leaving the loop or aborting the signal cancels every stream,
// and a cancelled merge ends quietly.
import type { CallOptions } from '../api/service-client.ts';
import { replyError, type NodeResult, type NodeTarget } from './fan-out.ts';

/** How many items of one node may wait before its stream is paused. */
export const MergeHighWater = 32;

/** Opens `open` on every target and yields each item (or a node's failure) as it arrives. */
export async function* mergeNodeStreams<T>(
  targets: readonly NodeTarget[],
  open: (options: CallOptions, node: string) => AsyncIterable<T>,
  options: { signal?: AbortSignal; highWater?: number } = {},
): AsyncGenerator<NodeResult<T>> {
  if (options.signal?.aborted === true) return;
  const highWater = options.highWater ?? MergeHighWater;
  const controller = new AbortController();
  const onAbort = (): void => {
    controller.abort(options.signal?.reason);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const queue: { index: number; item: NodeResult<T> }[] = [];
  const waiting = targets.map(() => 0);
  const paused = new Map<number, () => void>();
  let wake: (() => void) | undefined;
  let running = targets.length;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  controller.signal.addEventListener('abort', notify, { once: true });
  const push = (index: number, item: NodeResult<T>): Promise<void> | undefined => {
    queue.push({ index, item });
    waiting[index] = (waiting[index] ?? 0) + 1;
    notify();
    if ((waiting[index] ?? 0) < highWater) return undefined;
    return new Promise((resolve) => paused.set(index, resolve));
  };
  const pump = async (t: NodeTarget, index: number): Promise<void> => {
    try {
      for await (const value of open({ metadata: t.metadata.clone(), signal: controller.signal }, t.node)) {
        const error = replyError(value);
        const item: NodeResult<T> =
          error === undefined
            ? { node: t.node, ok: true, value }
            : { node: t.node, ok: false, error: new Error(error) };
        const full = push(index, item);
        if (full !== undefined) await full;
        if (controller.signal.aborted) return;
      }
    } catch (err) {
      if (!controller.signal.aborted) {
        await push(index, { node: t.node, ok: false, error: err instanceof Error ? err : new Error(String(err)) });
      }
    } finally {
      running--;
      notify();
    }
  };
  const pumps = targets.map(pump);
  try {
    while (!controller.signal.aborted) {
      const next = queue.shift();
      if (next !== undefined) {
        waiting[next.index] = (waiting[next.index] ?? 1) - 1;
        const resume = paused.get(next.index);
        if (resume !== undefined && (waiting[next.index] ?? 0) < highWater) {
          paused.delete(next.index);
          resume();
        }
        yield next.item;
        continue;
      }
      if (running === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    controller.abort();
    for (const resume of paused.values()) resume();
    paused.clear();
    await Promise.allSettled(pumps);
  }
}
