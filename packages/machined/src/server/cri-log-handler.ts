// Logs for driver CRI (`osctl logs -k ID`): ID as `osctl containers -k` prints it
// (`NAMESPACE/POD:CONTAINER`, or containerd's own id) is looked up in the CRI containerd, whose
// labels give the pod's namespace, name and uid and the container's name; the kubelet's log file of
// that container (/var/log/pods/NS_POD_UID/CONTAINER/N.log, the newest restart) is read as talosctl
// prints it: messages only, the last `tailLines` (negative: all), and with follow the new lines.
import { join } from 'node:path';
import { ApiError } from '@bronze/machinery';
import { containerViews, type ContainerView } from '../containerd/container-list.ts';
import { openContainerdClient, type ContainerdClient } from '../containerd/containerd-client.ts';
import { CriNamespace, criContainerdSocket } from '../containerd/containerd-paths.ts';
import { criLogFile, readCriLog, type CriLogTarget } from '../containerd/cri-log.ts';
import type { NodeApi } from './node-api.ts';

export interface CriLogsRequest {
  id: string;
  namespace: string;
  follow: boolean;
  tailLines: number;
}

export interface CriLogsOptions {
  signal: AbortSignal;
  /** Opens a client of the containerd on `socket`; a real one unless a test passes a fake. */
  open?: (socket: string) => ContainerdClient;
  /** Poll interval of a followed file (tests shorten it). */
  pollMs?: number;
}

function notFound(id: string, namespace: string, why: string): ApiError {
  return new ApiError(
    'not-found',
    `kubernetes container ${JSON.stringify(id)} ${why} in containerd namespace ${namespace}; "osctl containers -k" lists them as NAMESPACE/POD:CONTAINER`,
  );
}

/** The container `id` names: a running one before an exited one of the same name. */
async function resolve(node: NodeApi, req: CriLogsRequest, options: CriLogsOptions): Promise<ContainerView[]> {
  const namespace = req.namespace || CriNamespace;
  const client = (options.open ?? ((s: string) => openContainerdClient(s)))(
    criContainerdSocket(node.platform.paths.root),
  );
  try {
    const [containers, tasks] = await Promise.all([
      client.containers(namespace, { signal: options.signal }),
      client.tasks(namespace, { signal: options.signal }),
    ]);
    const rank = (v: ContainerView): number => (v.status === 'RUNNING' ? 0 : 1);
    return containerViews(namespace, { containers, tasks })
      .filter((v) => v.id === req.id || v.internalId === req.id)
      .sort((a, b) => rank(a) - rank(b));
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'unavailable')) throw err;
    throw new ApiError('unavailable', `the containerd of the cri service is not reachable; see "osctl service cri"`, {
      cause: err,
    });
  } finally {
    client.close();
  }
}

function targetOf(v: ContainerView): CriLogTarget | undefined {
  const slash = v.podId.indexOf('/');
  if (slash < 0 || v.uid === '' || v.id === v.podId) return undefined;
  return { namespace: v.podId.slice(0, slash), pod: v.podId.slice(slash + 1), uid: v.uid, container: v.name };
}

/** The messages of the container's log: the last lines, then (with follow) new ones. */
export async function* criLogs(node: NodeApi, req: CriLogsRequest, options: CriLogsOptions): AsyncGenerator<string> {
  if (req.id === '') {
    throw new ApiError(
      'invalid-argument',
      'the request names no container; pass its id (osctl containers -k lists them)',
    );
  }
  const namespace = req.namespace || CriNamespace;
  const found = await resolve(node, req, options);
  if (found.length === 0) throw notFound(req.id, namespace, 'not found');
  const targets = found.map(targetOf).filter((t): t is CriLogTarget => t !== undefined);
  if (targets.length === 0) {
    throw new ApiError(
      'not-found',
      `${JSON.stringify(req.id)} is a pod sandbox, not a kubernetes container; name one of its containers as ${req.id}:CONTAINER ("osctl containers -k" lists them)`,
    );
  }
  const logRoot = join(node.platform.paths.root, 'var', 'log', 'pods');
  let path: string | undefined;
  for (const t of targets) {
    path = await criLogFile(logRoot, t);
    if (path !== undefined) break;
  }
  if (path === undefined) throw notFound(req.id, namespace, `has no log file under ${logRoot}`);
  yield* readCriLog(path, {
    signal: options.signal,
    follow: req.follow,
    ...(req.tailLines < 0 ? {} : { tailLines: req.tailLines }),
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
}
