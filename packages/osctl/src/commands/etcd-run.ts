// What the etcd commands share: one unary call per target node, the answers printed, per-node
// errors reported with the node's name, then exit 1 when any node failed.
import type { CallOptions, NodeClient } from '@bronze/machinery';
import { replyMessages } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { finish, partition } from '../output/node-errors.ts';

export interface EtcdCall<M> {
  call: (options: CallOptions) => Promise<{ messages: M[] }>;
  signal: AbortSignal;
  /** Prints the answers of the nodes that answered (before the failure exit). */
  print?: (replies: { node: string; value: M }[]) => void;
}

export async function etcdCall<M>(client: NodeClient, io: Io, options: EtcdCall<M>): Promise<void> {
  const results = replyMessages(await client.each((o) => options.call(o), { signal: options.signal }));
  const ok = partition(io, results);
  options.print?.(ok);
  finish(results, client.targets.length);
}

/** Member ids as talosctl and etcdctl print them: lowercase hex. */
export function memberIdText(id: bigint): string {
  return id.toString(16);
}
