// What reboot, shutdown and reset share: run the call on every node, report failures per node,
// and optionally wait for the nodes to go down and answer again.
import type { CallOptions, NodeClient } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { failIfAny, finish, partition, printNodeError } from '../output/node-errors.ts';
import { replyMessages } from '@bronze/machinery';
import { formatTable } from '../output/table.ts';

type Reply = Promise<{ messages: { actorId: string; metadata?: unknown }[] }>;

/** Runs the action on every node and prints `NODE ACTOR ID`; throws after printing if any failed. */
export async function runLifecycle(
  client: NodeClient,
  io: Io,
  call: (o: CallOptions) => Reply,
  signal: AbortSignal,
): Promise<string[]> {
  const results = replyMessages(await client.each(call, { signal }));
  const ok = partition(io, results);
  io.out(
    formatTable(
      ['NODE', 'ACTOR ID'],
      ok.map(({ node, value }) => [node, value.actorId]),
    ),
  );
  finish(results, client.targets.length);
  return ok.map((r) => r.node);
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Waits until every node in `nodes` has stopped answering Version and answers again, or until
 * `timeoutMs`; prints each node as it comes back and fails with the ones that did not.
 */
export async function waitForRestart(
  client: NodeClient,
  io: Io,
  nodes: readonly string[],
  options: { timeoutMs: number; pollMs?: number; signal: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const targets = client.targets.filter((t) => nodes.includes(t.node));
  const down = new Set<string>();
  const back = new Set<string>();
  while (back.size < targets.length && Date.now() < deadline && !options.signal.aborted) {
    await Promise.all(
      targets
        .filter((t) => !back.has(t.node))
        .map(async (t) => {
          try {
            await client.machine.version(
              {},
              { metadata: t.metadata.clone(), deadline: new Date(Date.now() + 2000), signal: options.signal },
            );
            if (down.has(t.node)) {
              back.add(t.node);
              io.out(`${t.node}: back up\n`);
            }
          } catch {
            down.add(t.node);
          }
        }),
    );
    if (back.size < targets.length) await sleep(options.pollMs ?? 500, options.signal);
  }
  const missing = targets.filter((t) => !back.has(t.node));
  for (const t of missing) {
    const what = down.has(t.node) ? 'did not come back' : 'never went down';
    printNodeError(io, t.node, `${what} within ${String(Math.round(options.timeoutMs / 1000))}s`);
  }
  if (!options.signal.aborted) failIfAny(missing.length, targets.length);
}
