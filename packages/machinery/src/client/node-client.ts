// What a command holds while it talks to nodes: one connection and the target nodes, with helpers
// that run a call on every node (fan-out) or merge their streams.
import type { MachineService } from '../api/gen/machine/machine_pb.ts';
import type { State } from '../api/gen/cosi/state_pb.ts';
import type { CallOptions, ClientOf } from '../api/service-client.ts';
import { connectApi, type ApiConnection, type ConnectOptions } from './api-connection.ts';
import type { ClientTarget } from './client-target.ts';
import type { Endpoint } from './endpoints.ts';
import { fanOut, nodeTargets, type NodeResult, type NodeTarget } from './fan-out.ts';
import { mergeNodeStreams } from './merge-streams.ts';

export interface NodeClient {
  readonly connection: ApiConnection;
  readonly machine: ClientOf<typeof MachineService>;
  readonly state: ClientOf<typeof State>;
  /** The nodes calls go to (the endpoint itself, by its host, when no nodes were given). */
  readonly targets: readonly NodeTarget[];
  /** Runs `call` once per node, concurrently; a node's failure is its result. */
  each<T>(
    call: (options: CallOptions, node: string) => Promise<T>,
    options?: { signal?: AbortSignal },
  ): Promise<NodeResult<T>[]>;
  /** Opens one stream per node and merges them; aborting the signal ends the merge quietly. */
  stream<T>(
    open: (options: CallOptions, node: string) => AsyncIterable<T>,
    options?: { signal?: AbortSignal },
  ): AsyncGenerator<NodeResult<T>>;
  close(): void;
}

export function nodeClientOf(connection: ApiConnection, nodes: readonly string[]): NodeClient {
  const targets = nodeTargets(nodes, connection.endpoint.host);
  return {
    connection,
    machine: connection.machine,
    state: connection.state,
    targets,
    each: (call, options) => fanOut(targets, call, options),
    stream: (open, options) => mergeNodeStreams(targets, open, options),
    close: () => {
      connection.close();
    },
  };
}

/** Connects to the target's endpoints (mutual TLS, failover) and addresses its nodes. */
export async function openNodeClient(target: ClientTarget, options: ConnectOptions = {}): Promise<NodeClient> {
  const connection = await connectApi(target.endpoints, target.tls, { contextName: target.contextName, ...options });
  return nodeClientOf(connection, target.nodes);
}

/**
 * Maintenance mode (apply-config --insecure): a node without config has no CA to check, so each
 * node is its own endpoint, reached with TLS but without a client certificate.
 */
export async function openInsecureNodeClient(
  endpoint: Endpoint,
  options: Omit<ConnectOptions, 'insecure'> = {},
): Promise<NodeClient> {
  const connection = await connectApi([endpoint], {}, { ...options, insecure: true });
  return nodeClientOf(connection, []);
}
