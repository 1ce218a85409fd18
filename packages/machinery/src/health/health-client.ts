// What the health checks need from a client: the machine and COSI state calls, addressed to one
// node at a time by `node` metadata. A NodeClient (packages/machinery/src/client) is one.
import { nodeMetadata } from '../api/routing-metadata.ts';
import type { CallOptions } from '../api/service-client.ts';
import type { NodeClient } from '../client/node-client.ts';

export type HealthClient = Pick<NodeClient, 'machine' | 'state'>;

/** The nodes a health wait covers; each is a host (`10.5.0.3`) or `host:port`, as `-n` takes them. */
export interface HealthNodes {
  controlPlanes: readonly string[];
  workers: readonly string[];
}

/** One check's view: the client, the nodes and a signal that ends this attempt. */
export interface CheckContext extends HealthNodes {
  client: HealthClient;
  signal: AbortSignal;
}

export function callTo(node: string, signal: AbortSignal): CallOptions {
  return { metadata: nodeMetadata(node), signal };
}

/** The host of a node name: `10.5.0.3:50000` → `10.5.0.3`, `[fd00::3]:50000` → `fd00::3`. */
export function hostOf(node: string): string {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(node);
  if (bracket?.[1] !== undefined) return bracket[1];
  const colons = node.split(':').length - 1;
  if (colons === 1) return node.slice(0, node.indexOf(':'));
  return node;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs `check` on every node at once; passes when all pass, else throws one error naming each
 * failing node (`10.5.0.3: ...; 10.5.0.4: ...`).
 */
export async function onEveryNode(nodes: readonly string[], check: (node: string) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(nodes.map((node) => check(node)));
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${nodes[i] ?? ''}: ${message(r.reason)}`] : [],
  );
  if (failures.length > 0) throw new Error(failures.join('; '));
}
