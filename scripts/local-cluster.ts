// npm run cluster (and scripts/dev cluster): brings up a local Bronze cluster on the process
// platform (one control plane, one worker, each machined + apid on its own loopback address) and
// says how to use it. Arguments: [--name NAME] [--controlplanes N] [--workers N]; an existing
// cluster of that name is shown instead of created again.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatErrorChain } from '@bronze/machinery';
import {
  bootstrapCluster,
  formatClusterSummary,
  isProvisionError,
  processProvisioner,
  stateRoot,
} from '@bronze/provision';

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'bronze-default' },
    controlplanes: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
  },
});
const name = values.name;
const talosconfig = process.env['TALOSCONFIG'] ?? join(homedir(), '.talos', 'config');
const provisioner = processProvisioner({ stateRoot: stateRoot(undefined) });
const say = (line: string): void => {
  process.stderr.write(`cluster: ${line}\n`);
};

try {
  const existing = await provisioner.show(name).catch((err: unknown) => {
    if (isProvisionError(err, 'not-found')) return undefined;
    throw err;
  });
  const count = (flag: string, value: string): number => {
    if (!/^\d+$/.test(value)) throw new Error(`--${flag} ${value} is not a whole number`);
    return Number(value);
  };
  const info =
    existing ??
    (await provisioner.create({
      name,
      controlPlanes: count('controlplanes', values.controlplanes),
      workers: count('workers', values.workers),
      talosconfig,
      progress: say,
    }));
  if (existing !== undefined) say(`cluster ${name} exists already; showing it (destroy it to start afresh)`);
  // Bootstrapping twice is harmless (an existing etcd is reported), so an existing cluster is checked too.
  await bootstrapCluster(info, { timeoutMs: 5 * 60_000, progress: say });
  const context = info.talosconfig?.context ?? name;
  const osctl = 'npx osctl';
  process.stdout.write(
    `${formatClusterSummary(info)}\n` +
      'healthy: etcd is bootstrapped and osctl health passes (Kubernetes is not built yet)\n\n' +
      'use it:\n' +
      `  ${osctl} --context ${context} version                  # every node, through the first control plane\n` +
      `  ${osctl} --context ${context} services -n ${info.nodes.at(-1)?.address ?? ''}\n` +
      `  ${osctl} --context ${context} logs machined -n ${info.nodes[0]?.address ?? ''}\n` +
      `  ${osctl} --context ${context} -n ${info.nodes[0]?.address ?? ''} etcd members\n` +
      `  ${osctl} --context ${context} health\n` +
      `  ${osctl} cluster show --name ${name}\n` +
      `  ${osctl} cluster destroy --name ${name}                # stops every process, removes the state\n`,
  );
} catch (err) {
  say(`error: ${formatErrorChain(err)}`);
  process.exitCode = 1;
}
