// Decides what apid does with one call, before any byte goes upstream: who the caller is, whether the
// authorization table lets them call the method, where the call goes (local machined, one node, or
// several), and the metadata the upstream receives.
import type { Metadata } from '@grpc/grpc-js';
import {
  ApiError,
  authorize,
  callRouteOf,
  NodeMetadataKey,
  NodesMetadataKey,
  peerIdentityOf,
  ProxyFromMetadataKey,
  RoleMetadataKey,
  type CallRoute,
} from '@bronze/machinery';
import type { PeerCertificate } from 'node:tls';
import { callerRoles } from './caller-roles.ts';

/** Services whose calls may fan out with `nodes` (as Talos allows). */
const FanOutServices = new Set([
  'machine.MachineService',
  'cluster.ClusterService',
  'inspect.InspectService',
  'storage.StorageService',
  'time.TimeService',
]);

/** Metadata that is the transport's, not the caller's: never copied upstream. */
const TransportKeys = new Set(['content-type', 'te', 'user-agent', 'host', 'accept-encoding', 'content-length']);

export interface CallSurface {
  metadata: Metadata;
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
}

export interface PlanOptions {
  maintenance: boolean;
  /** This node can forward (holds a client certificate). */
  canForward: boolean;
  /** What apid puts in `proxyfrom` when it forwards. */
  self: string;
}

export interface CallPlan {
  route: CallRoute;
  /** The metadata to send upstream. */
  metadata: Metadata;
  roles: string[];
}

/** The caller's metadata minus routing, role and transport keys. */
function upstreamMetadata(incoming: Metadata): Metadata {
  const md = incoming.clone();
  for (const key of Object.keys(md.getMap())) {
    if (key.startsWith('grpc-') || key.startsWith(':') || TransportKeys.has(key)) md.remove(key);
  }
  for (const key of [NodeMetadataKey, NodesMetadataKey, RoleMetadataKey, ProxyFromMetadataKey]) md.remove(key);
  return md;
}

function serviceOf(path: string): string {
  return path.split('/')[1] ?? '';
}

/** The plan for a call to `path`; throws the ApiError to answer with instead. */
export function planCall(call: CallSurface, path: string, options: PlanOptions): CallPlan {
  const { roles } = callerRoles(peerIdentityOf(call), call.metadata, { maintenance: options.maintenance });
  const decision = authorize(path, roles, { maintenance: options.maintenance });
  if (!decision.allowed) throw decision.error;
  // A hop from another apid is always answered here: that is what stops forwarding loops.
  const hop = call.metadata.get(ProxyFromMetadataKey).length > 0;
  const route: CallRoute = hop ? { kind: 'local' } : callRouteOf(call.metadata);
  if (route.kind !== 'local') {
    if (options.maintenance) throw new ApiError('permission-denied', 'no request forwarding in maintenance mode');
    if (!options.canForward) throw new ApiError('permission-denied', 'no request forwarding');
  }
  if (route.kind === 'nodes' && !FanOutServices.has(serviceOf(path))) {
    throw new ApiError(
      'invalid-argument',
      `one-to-many proxying is not supported for ${path}: send metadata "node" once per node instead of "nodes"`,
    );
  }
  const metadata = upstreamMetadata(call.metadata);
  for (const role of roles) metadata.add(RoleMetadataKey, role);
  if (route.kind !== 'local') metadata.set(ProxyFromMetadataKey, options.self);
  else if (hop) metadata.set(ProxyFromMetadataKey, String(call.metadata.get(ProxyFromMetadataKey)[0]));
  return { route, metadata, roles };
}
