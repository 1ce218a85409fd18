// A namespace's containers as the Containers RPC reports them: each container record joined with
// its task (pid, status), and Kubernetes containers named after their pod as Talos does: a pod's
// sandbox is `NAMESPACE/POD`, a container in it `NAMESPACE/POD:NAME`, and both carry the pod as
// their pod id (so talosctl draws the container under its pod). Others are their own pod.
import type { ContainerRecord, TaskRecord, TaskStatus } from './containerd-client.ts';

export const PodNameLabel = 'io.kubernetes.pod.name';
export const PodNamespaceLabel = 'io.kubernetes.pod.namespace';
export const PodUidLabel = 'io.kubernetes.pod.uid';
export const ContainerNameLabel = 'io.kubernetes.container.name';

/** The fields of machine.ContainerInfo that Bronze fills. */
export interface ContainerView {
  namespace: string;
  /** What users see and pass back: the containerd id, or `NAMESPACE/POD[:NAME]`. */
  id: string;
  /** containerd's own id. */
  internalId: string;
  uid: string;
  podId: string;
  name: string;
  image: string;
  pid: number;
  /**
   * The task's status; a record without a task has no process and is shown `STOPPED` (it was
   * never started, or its task has exited and been deleted).
   */
  status: TaskStatus;
}

function view(namespace: string, c: ContainerRecord, t: TaskRecord | undefined): ContainerView {
  const podName = c.labels[PodNameLabel];
  const podNamespace = c.labels[PodNamespaceLabel];
  const containerName = c.labels[ContainerNameLabel];
  const pod = podName !== undefined && podNamespace !== undefined ? `${podNamespace}/${podName}` : undefined;
  const id = pod === undefined ? c.id : containerName === undefined ? pod : `${pod}:${containerName}`;
  return {
    namespace,
    id,
    internalId: c.id,
    uid: c.labels[PodUidLabel] ?? '',
    podId: pod ?? c.id,
    name: containerName ?? c.id,
    image: c.image,
    pid: t?.pid ?? 0,
    status: t?.status ?? 'STOPPED',
  };
}

/** The containers of `namespace`, sorted by id (pods before the containers in them). */
export function containerViews(
  namespace: string,
  records: { containers: readonly ContainerRecord[]; tasks: readonly TaskRecord[] },
): ContainerView[] {
  const tasks = new Map(records.tasks.map((t) => [t.containerId, t]));
  return records.containers
    .map((c) => view(namespace, c, tasks.get(c.id)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
