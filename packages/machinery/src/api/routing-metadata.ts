// The metadata keys that route a call, as Talos's apid reads them: `node` (one value) forwards the
// call to that node's apid; the older `nodes` (one or more values) fans it out and merges the
// replies; neither means "this node". Roles forwarded between apids travel under `talos-role`.
import { Metadata } from '@grpc/grpc-js';
import { ApiError } from './api-error.ts';

export const NodeMetadataKey = 'node';
export const NodesMetadataKey = 'nodes';
export const RoleMetadataKey = 'talos-role';
export const ProxyFromMetadataKey = 'proxyfrom';

export type CallRoute = { kind: 'local' } | { kind: 'node'; node: string } | { kind: 'nodes'; nodes: string[] };

function stringValues(md: Metadata, key: string): string[] {
  return md
    .get(key)
    .map((v) => (typeof v === 'string' ? v : v.toString('utf8')))
    .flatMap((v) => v.split(','))
    .map((v) => v.trim());
}

/** Where a call should go, from its metadata; malformed routing metadata is `invalid-argument`. */
export function callRouteOf(md: Metadata): CallRoute {
  const node = stringValues(md, NodeMetadataKey);
  const nodes = stringValues(md, NodesMetadataKey);
  if (node.length > 0 && nodes.length > 0) {
    throw new ApiError('invalid-argument', 'metadata has both "node" and "nodes"; send one of them');
  }
  if (node.length > 1) {
    throw new ApiError(
      'invalid-argument',
      `metadata "node" has ${node.length} values ${JSON.stringify(node)}; send one`,
    );
  }
  const empty = [...node, ...nodes].some((n) => n === '');
  if (empty) throw new ApiError('invalid-argument', 'metadata "node"/"nodes" has an empty value');
  const [one] = node;
  if (one !== undefined) return { kind: 'node', node: one };
  if (nodes.length > 0) return { kind: 'nodes', nodes };
  return { kind: 'local' };
}

/** Metadata that sends a call to one node (through the endpoint the client is connected to). */
export function nodeMetadata(node: string, base?: Metadata): Metadata {
  const md = base?.clone() ?? new Metadata();
  md.remove(NodesMetadataKey);
  md.set(NodeMetadataKey, node);
  return md;
}

/** Metadata for the older fan-out: the endpoint calls every node and merges the replies. */
export function nodesMetadata(nodes: readonly string[], base?: Metadata): Metadata {
  const md = base?.clone() ?? new Metadata();
  md.remove(NodeMetadataKey);
  md.remove(NodesMetadataKey);
  for (const n of nodes) md.add(NodesMetadataKey, n);
  return md;
}
