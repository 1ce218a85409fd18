// How a cluster is shown to a person: the node table and the lines that say how to reach it.
import type { ClusterInfo } from './provisioner.ts';

export function formatClusterTable(info: ClusterInfo): string {
  const rows = [
    ['NAME', 'ROLE', 'ADDRESS', 'PID', 'STATE'],
    ...info.nodes.map((n) => [n.name, n.role, n.address, n.pid === undefined ? '-' : String(n.pid), n.state]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd((widths[i] ?? 0) + 3))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** The table plus endpoints, talosconfig and files: what `cluster create` and `cluster show` print. */
export function formatClusterSummary(info: ClusterInfo): string {
  const lines = [
    `cluster ${info.name} (${info.provisioner} provisioner) on ${info.subnet}`,
    '',
    formatClusterTable(info).trimEnd(),
    '',
    `machine API endpoints: ${info.endpoints.map((e) => `${e}:50000`).join(', ')}`,
    `kubernetes endpoint:   ${info.kubernetesEndpoint}${info.provisioner === 'process' ? ' (not served: process nodes run no kubelet)' : ''}`,
    info.talosconfig === undefined
      ? `talosconfig:           ${info.dir}/talosconfig`
      : `talosconfig:           context ${info.talosconfig.context} in ${info.talosconfig.path}`,
    `state and logs:        ${info.dir}`,
  ];
  return `${lines.join('\n')}\n`;
}
