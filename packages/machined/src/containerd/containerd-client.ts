// machined's containerd client: the container records and tasks of one containerd namespace, over
// containerd's own gRPC API on its unix socket. Every call carries the `containerd-namespace`
// header containerd requires. Plain values in and out, so the Containers handler can run against a
// fake; a containerd that does not answer becomes an `unavailable` ApiError naming the socket.
import { ChannelCredentials, Metadata } from '@grpc/grpc-js';
import { ApiError, createClient, dial, isApiError, type CallOptions } from '@bronze/machinery';
import { Containers, type Container } from './gen/containerd/services/containers/v1/containers_pb.ts';
import { Tasks } from './gen/containerd/services/tasks/v1/tasks_pb.ts';
import { Status, type Process } from './gen/containerd/types/task/task_pb.ts';
import { taskUsage, type TaskUsage } from './task-metrics.ts';

/** A task's state as containerd names it (upper case, as Talos shows it). */
export type TaskStatus = 'UNKNOWN' | 'CREATED' | 'RUNNING' | 'STOPPED' | 'PAUSED' | 'PAUSING';

export interface ContainerRecord {
  id: string;
  /** The image reference the container was created from (may be empty). */
  image: string;
  labels: Readonly<Record<string, string>>;
}

export interface TaskRecord {
  containerId: string;
  pid: number;
  status: TaskStatus;
}

export interface TaskMetrics extends TaskUsage {
  containerId: string;
}

export interface ContainerdCallOptions {
  signal?: AbortSignal;
}

/** What the container RPCs need from containerd; `openContainerdClient` speaks it to a real one. */
export interface ContainerdClient {
  /** The unix socket this client talks to. */
  readonly socket: string;
  /** Every container record of `namespace` (none for a namespace that does not exist). */
  containers(namespace: string, options?: ContainerdCallOptions): Promise<ContainerRecord[]>;
  /** Every task of `namespace`: one per container that has one. */
  tasks(namespace: string, options?: ContainerdCallOptions): Promise<TaskRecord[]>;
  /** CPU and memory use of every task of `namespace` whose statistics containerd can read. */
  metrics(namespace: string, options?: ContainerdCallOptions): Promise<TaskMetrics[]>;
  /** Sends `signal` to the task of container `id` (its init process). */
  kill(namespace: string, id: string, options: ContainerdCallOptions & { killSignal: number }): Promise<void>;
  close(): void;
}

export interface OpenContainerdClientOptions {
  /** Deadline of each call unless the caller's signal ends it first; 10 s unless told. */
  callTimeoutMs?: number;
}

/** The header containerd reads the namespace of a call from. */
export const NamespaceHeader = 'containerd-namespace';

const StatusNames: Readonly<Record<number, TaskStatus>> = {
  [Status.UNKNOWN]: 'UNKNOWN',
  [Status.CREATED]: 'CREATED',
  [Status.RUNNING]: 'RUNNING',
  [Status.STOPPED]: 'STOPPED',
  [Status.PAUSED]: 'PAUSED',
  [Status.PAUSING]: 'PAUSING',
};

export function taskStatusName(status: number): TaskStatus {
  return StatusNames[status] ?? 'UNKNOWN';
}

function record(c: Container): ContainerRecord {
  return { id: c.id, image: c.image, labels: { ...c.labels } };
}

function task(p: Process): TaskRecord {
  // containerd names a task (its init process) by the container's id in `id`; container_id is
  // filled only for exec'd processes.
  return { containerId: p.containerId || p.id, pid: p.pid, status: taskStatusName(p.status) };
}

/** Call options for one namespace: the header, a deadline, the caller's signal. */
export function namespaceCall(namespace: string, timeoutMs: number, o?: ContainerdCallOptions): CallOptions {
  const metadata = new Metadata();
  metadata.set(NamespaceHeader, namespace);
  return {
    metadata,
    deadline: new Date(Date.now() + timeoutMs),
    ...(o?.signal === undefined ? {} : { signal: o.signal }),
  };
}

/** A client of the containerd serving on `socket`; close it when done. Connecting is lazy. */
export function openContainerdClient(socket: string, options: OpenContainerdClientOptions = {}): ContainerdClient {
  const channel = dial(`unix:${socket}`, { credentials: ChannelCredentials.createInsecure() });
  const containers = createClient(Containers, channel);
  const tasks = createClient(Tasks, channel);
  const timeoutMs = options.callTimeoutMs ?? 10_000;
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (isApiError(err, 'unavailable')) {
        throw new ApiError('unavailable', `nothing answers on ${socket}`, { cause: err });
      }
      // containerd's own status (not-found, ...) stays the status of the call.
      if (isApiError(err))
        throw new ApiError(err.code, `containerd ${what} on ${socket}: ${err.message}`, { cause: err });
      throw new Error(`containerd ${what} on ${socket} failed`, { cause: err });
    }
  };
  return {
    socket,
    containers: (ns, o) =>
      call('container list', async () =>
        (await containers.list({}, namespaceCall(ns, timeoutMs, o))).containers.map(record),
      ),
    tasks: (ns, o) =>
      call('task list', async () => (await tasks.list({}, namespaceCall(ns, timeoutMs, o))).tasks.map(task)),
    metrics: (ns, o) =>
      call('task metrics', async () =>
        (await tasks.metrics({}, namespaceCall(ns, timeoutMs, o))).metrics.flatMap((m) => {
          const usage = taskUsage(m.data);
          return usage === undefined ? [] : [{ containerId: m.id, ...usage }];
        }),
      ),
    kill: (ns, id, o) =>
      call('task kill', async () => {
        await tasks.kill({ containerId: id, signal: o.killSignal }, namespaceCall(ns, timeoutMs, o));
      }),
    close: () => {
      channel.close();
    },
  };
}
