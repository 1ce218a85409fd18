// Client-side fan-out, as current talosctl does it: the same call once per target node, each with
// `node` metadata, all at once over one connection. A failing node is a result, not a throw, so
// the others still report; streams of all nodes merge into one, each item tagged with its node.
import { Metadata } from '@grpc/grpc-js';
import { nodeMetadata } from '../api/routing-metadata.ts';
import type { CallOptions } from '../api/service-client.ts';

/** One node a call goes to: its name as the user gave it, and the metadata that routes to it. */
export interface NodeTarget {
  readonly node: string;
  readonly metadata: Metadata;
}

export type NodeResult<T> =
  | { readonly node: string; readonly ok: true; readonly value: T }
  | { readonly node: string; readonly ok: false; readonly error: Error };

/**
 * Targets for `nodes`, each routed with `node` metadata. With no nodes, one target without routing
 * metadata (the endpoint answers itself), named `self`.
 */
export function nodeTargets(nodes: readonly string[], self: string): NodeTarget[] {
  if (nodes.length === 0) return [{ node: self, metadata: new Metadata() }];
  return nodes.map((node) => ({ node, metadata: nodeMetadata(node) }));
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** The error a reply carries in `metadata.error` (apid's per-node failures), if any. */
export function replyError(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('metadata' in value)) return undefined;
  const md: unknown = value.metadata;
  if (typeof md !== 'object' || md === null || !('error' in md)) return undefined;
  return typeof md.error === 'string' && md.error !== '' ? md.error : undefined;
}

/** Runs `call` on every target concurrently; resolves when all have answered or failed, rejects when `signal` aborts. */
export async function fanOut<T>(
  targets: readonly NodeTarget[],
  call: (options: CallOptions, node: string) => Promise<T>,
  options: { signal?: AbortSignal } = {},
): Promise<NodeResult<T>[]> {
  const results = await Promise.all(
    targets.map(async (t): Promise<NodeResult<T>> => {
      try {
        const callOptions: CallOptions = { metadata: t.metadata.clone() };
        if (options.signal !== undefined) callOptions.signal = options.signal;
        return { node: t.node, ok: true, value: await call(callOptions, t.node) };
      } catch (err) {
        return { node: t.node, ok: false, error: asError(err) };
      }
    }),
  );
  // a cancelled fan-out is not a set of failed nodes: the caller sees the cancellation itself
  options.signal?.throwIfAborted();
  return results;
}

/**
 * Flattens the `messages` of unary replies (one per node normally) into per-node results; a message
 * with `metadata.error` becomes that node's error.
 */
export function replyMessages<M>(results: readonly NodeResult<{ messages: M[] }>[]): NodeResult<M>[] {
  return results.flatMap((r): NodeResult<M>[] => {
    if (!r.ok) return [r];
    return r.value.messages.map((m) => {
      const error = replyError(m);
      return error === undefined
        ? { node: r.node, ok: true, value: m }
        : { node: r.node, ok: false, error: new Error(error) };
    });
  });
}
