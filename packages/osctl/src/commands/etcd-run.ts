// What the simple etcd commands share: one unary call per target node, per-message errors
// reported with the node's name, exit 1 when any node failed.
import type { CallOptions, NodeClient } from '@bronze/machinery';
import { replyMessages } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { finish, partition } from '../output/node-errors.ts';

/** Calls `call` on every target node and returns the messages of the nodes that answered. */
export async function eachEtcdReply<M>(
  client: NodeClient,
  io: Io,
  call: (options: CallOptions) => Promise<{ messages: M[] }>,
  signal: AbortSignal,
): Promise<{ node: string; value: M }[]> {
  const results = replyMessages(await client.each((o) => call(o), { signal }));
  const ok = partition(io, results);
  finish(results, client.targets.length);
  return ok;
}

/** Member ids as talosctl and etcdctl print them: lowercase hex. */
export function memberIdText(id: bigint): string {
  return id.toString(16);
}
