// Merges one server stream per node into a single async iterable of tagged items. Each node's stream
// is pulled only when its previous item has been taken (backpressure per node); leaving the loop
// or aborting the signal cancels every stream, and a cancelled merge ends quietly.
import type { CallOptions } from '../api/service-client.ts';
import { replyError, type NodeResult, type NodeTarget } from './fan-out.ts';

interface Waiter {
  resolve: () => void;
}

/** Opens `open` on every target and yields each item (or a node's failure) as it arrives. */
export async function* mergeNodeStreams<T>(
  targets: readonly NodeTarget[],
  open: (options: CallOptions, node: string) => AsyncIterable<T>,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<NodeResult<T>> {
  const controller = new AbortController();
  const onAbort = (): void => {
    controller.abort(options.signal?.reason);
  };
  if (options.signal?.aborted === true) return;
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const queue: { item: NodeResult<T>; taken: Waiter }[] = [];
  let wake: (() => void) | undefined;
  let running = targets.length;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const push = (item: NodeResult<T>): Promise<void> =>
    new Promise((resolve) => {
      queue.push({ item, taken: { resolve } });
      notify();
    });
  const pump = async (t: NodeTarget): Promise<void> => {
    try {
      for await (const value of open({ metadata: t.metadata.clone(), signal: controller.signal }, t.node)) {
        const error = replyError(value);
        await push(
          error === undefined
            ? { node: t.node, ok: true, value }
            : { node: t.node, ok: false, error: new Error(error) },
        );
        if (controller.signal.aborted) return;
      }
    } catch (err) {
      if (!controller.signal.aborted) {
        await push({ node: t.node, ok: false, error: err instanceof Error ? err : new Error(String(err)) });
      }
    } finally {
      running--;
      notify();
    }
  };
  controller.signal.addEventListener('abort', notify, { once: true });
  const pumps = targets.map(pump);
  try {
    while (!controller.signal.aborted) {
      const next = queue.shift();
      if (next !== undefined) {
        next.taken.resolve();
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
    for (const q of queue.splice(0)) q.taken.resolve();
    await Promise.allSettled(pumps);
  }
}
