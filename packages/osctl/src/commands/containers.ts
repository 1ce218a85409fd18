import { Command } from 'commander';
import { commonApi, replyMessages, type machineApi } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { finish, partition } from '../output/node-errors.ts';
import { formatTable } from '../output/table.ts';
import { withNodeClient } from './node-command.ts';

/** The namespace and driver of the container commands: `system` (containerd) or `k8s.io` (CRI). */
export function containerTarget(kubernetes: boolean): { namespace: string; driver: commonApi.ContainerDriver } {
  return kubernetes
    ? { namespace: 'k8s.io', driver: commonApi.ContainerDriver.CRI }
    : { namespace: 'system', driver: commonApi.ContainerDriver.CONTAINERD };
}

/** Each node's rows sorted by id, as talosctl sorts them. */
export function byId<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A container that is not its own pod is drawn under its pod with `└─ `. */
export function displayId(c: { id: string; podId: string }): string {
  return c.id === c.podId ? c.id : `└─ ${c.id}`;
}

/** talosctl's table of containers. */
export function formatContainers(replies: readonly { node: string; containers: machineApi.ContainerInfo[] }[]): string {
  const rows = replies.flatMap(({ node, containers }) =>
    byId(containers).map((c) => [node, c.namespace, displayId(c), c.image, String(c.pid), c.status]),
  );
  return formatTable(['NODE', 'NAMESPACE', 'ID', 'IMAGE', 'PID', 'STATUS'], rows);
}

export function containersCommand(io: Io): Command {
  return new Command('containers')
    .aliases(['c'])
    .summary('list containers')
    .description(
      "List the containers of every target node's system containerd (namespace system): id, image, " +
        'pid and status of its task. A container without a task shows pid 0 and STOPPED. With -k, list ' +
        "the Kubernetes containers of the CRI containerd (namespace k8s.io): each pod's sandbox as " +
        'NAMESPACE/POD with its containers (NAMESPACE/POD:NAME) drawn under it.',
    )
    .option('-k, --kubernetes', 'use the k8s.io containerd namespace (CRI) instead of system')
    .addHelpText('after', '\nExamples:\n  osctl containers -n 10.5.0.2\n  osctl c -k\n')
    .helpGroup(Group.Node)
    .action(async (opts: { kubernetes?: boolean }, cmd: Command) => {
      const request = containerTarget(opts.kubernetes === true);
      await withNodeClient(cmd, io, async (client, signal) => {
        const results = replyMessages(await client.each((o) => client.machine.containers(request, o), { signal }));
        const ok = partition(io, results);
        io.out(formatContainers(ok.map(({ node, value }) => ({ node, containers: value.containers }))));
        finish(results, client.targets.length);
      });
    });
}
