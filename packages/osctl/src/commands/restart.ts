import { Command } from 'commander';
import { replyMessages } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { finish, partition } from '../output/node-errors.ts';
import { containerTarget } from './containers.ts';
import { withNodeClient } from './node-command.ts';

export function restartCommand(io: Io): Command {
  return new Command('restart')
    .summary('restart a container')
    .description(
      'Restart container ID on every target node: its task gets SIGTERM and whoever supervises it ' +
        '(the kubelet for Kubernetes containers) starts it again. ID is as "osctl containers" shows ' +
        'it; with -k, a Kubernetes container of the k8s.io namespace (NAMESPACE/POD:NAME). To restart ' +
        'a service, use "osctl service ID restart".',
    )
    .argument('<id>', 'container id (see "osctl containers")')
    .option('-k, --kubernetes', 'use the k8s.io containerd namespace (CRI) instead of system')
    .addHelpText('after', '\nExamples:\n  osctl restart -k kube-system/kube-proxy-abcde:kube-proxy -n 10.5.0.3\n')
    .helpGroup(Group.Node)
    .action(async (id: string, opts: { kubernetes?: boolean }, cmd: Command) => {
      const request = { ...containerTarget(opts.kubernetes === true), id };
      await withNodeClient(cmd, io, async (client, signal) => {
        const results = replyMessages(await client.each((o) => client.machine.restart(request, o), { signal }));
        for (const { node } of partition(io, results)) io.out(`${node}: restarted ${id}\n`);
        finish(results, client.targets.length);
      });
    });
}
