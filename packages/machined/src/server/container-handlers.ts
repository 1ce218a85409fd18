// Containers, Stats and Restart from a containerd of the node: the system containerd (driver CONTAINERD,
// namespace `system` unless the request names another) or the CRI one (driver CRI, `k8s.io`), both
// read through containerd's own API. A containerd that does not answer is UNAVAILABLE naming its
// socket (and, where the platform does not run it, why); a namespace with nothing in it is empty.
import { ApiError, commonApi, type HandlersOf, type machineApi } from '@bronze/machinery';
import { containerViews, type ContainerView } from '../containerd/container-list.ts';
import { openContainerdClient, type ContainerdClient } from '../containerd/containerd-client.ts';
import {
  CriNamespace,
  SystemNamespace,
  criContainerdSocket,
  systemContainerdSocket,
} from '../containerd/containerd-paths.ts';
import { replyMetadata } from './info-handlers.ts';
import type { NodeApi } from './node-api.ts';

type Handlers = HandlersOf<typeof machineApi.MachineService>;

export interface ContainerHandlersOptions {
  /** Opens a client of the containerd on `socket`; a real one unless a test passes a fake. */
  open?: (socket: string) => ContainerdClient;
}

interface Target {
  socket: string;
  namespace: string;
  /** The service that runs this containerd, for messages. */
  service: 'containerd' | 'cri';
}

function target(node: NodeApi, req: { namespace: string; driver: commonApi.ContainerDriver }): Target {
  const root = node.platform.paths.root;
  if (req.driver === commonApi.ContainerDriver.CRI) {
    return { socket: criContainerdSocket(root), namespace: req.namespace || CriNamespace, service: 'cri' };
  }
  return { socket: systemContainerdSocket(root), namespace: req.namespace || SystemNamespace, service: 'containerd' };
}

/** Runs `fn` with a client of the target's containerd, closed afterwards; explains an absent one. */
async function withContainerd<T>(
  node: NodeApi,
  t: Target,
  fn: (client: ContainerdClient) => Promise<T>,
  open: (socket: string) => ContainerdClient,
): Promise<T> {
  const client = open(t.socket);
  try {
    return await fn(client);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'unavailable')) throw err;
    const skipped = node.platform.skippedServices.get(t.service);
    const why =
      skipped === undefined
        ? `the containerd of the ${t.service} service is not reachable; see "osctl service ${t.service}"`
        : `the ${t.service} service does not run on the ${node.platform.name} platform (${skipped})`;
    throw new ApiError('unavailable', why, { cause: err });
  } finally {
    client.close();
  }
}

async function list(client: ContainerdClient, namespace: string, signal: AbortSignal): Promise<ContainerView[]> {
  const [containers, tasks] = await Promise.all([
    client.containers(namespace, { signal }),
    client.tasks(namespace, { signal }),
  ]);
  return containerViews(namespace, { containers, tasks });
}

/** The CPU and memory use of each container whose task containerd has statistics for. */
async function stats(client: ContainerdClient, namespace: string, signal: AbortSignal) {
  const [views, metrics] = await Promise.all([list(client, namespace, signal), client.metrics(namespace, { signal })]);
  const byId = new Map(metrics.map((m) => [m.containerId, m]));
  return views.flatMap((v) => {
    const m = byId.get(v.internalId);
    if (m === undefined) return [];
    const { namespace: ns, id, podId, name } = v;
    return [{ namespace: ns, id, podId, name, memoryUsage: m.memoryUsage, cpuUsage: m.cpuUsage }];
  });
}

const SIGTERM = 15;

export function containerHandlers(node: NodeApi, options: ContainerHandlersOptions = {}): Handlers {
  const open = options.open ?? ((socket: string) => openContainerdClient(socket));
  return {
    containers: async (req, ctx) => {
      const t = target(node, req);
      const views = await withContainerd(node, t, (c) => list(c, t.namespace, ctx.signal), open);
      return { messages: [{ metadata: replyMetadata(node), containers: views }] };
    },
    stats: async (req, ctx) => {
      const t = target(node, req);
      const found = await withContainerd(node, t, (c) => stats(c, t.namespace, ctx.signal), open);
      return { messages: [{ metadata: replyMetadata(node), stats: found }] };
    },
    // As Talos: the container's task gets SIGTERM, and whoever supervises it (the kubelet for CRI
    // containers) starts it again.
    restart: async (req, ctx) => {
      if (req.id === '') {
        throw new ApiError(
          'invalid-argument',
          'the request names no container; pass its id (osctl containers lists them)',
        );
      }
      const t = target(node, req);
      await withContainerd(
        node,
        t,
        async (c) => {
          const found = (await list(c, t.namespace, ctx.signal)).find(
            (v) => v.id === req.id || v.internalId === req.id,
          );
          if (found === undefined) {
            throw new ApiError(
              'not-found',
              `container ${JSON.stringify(req.id)} not found in containerd namespace ${t.namespace}; osctl containers lists them`,
            );
          }
          await c.kill(t.namespace, found.internalId, { killSignal: SIGTERM, signal: ctx.signal });
        },
        open,
      );
      return { messages: [{ metadata: replyMetadata(node) }] };
    },
  };
}
