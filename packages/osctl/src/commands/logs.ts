import { Command, Option } from 'commander';
import { commonApi } from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { Group } from '../groups.ts';
import { withNodeClient } from './node-command.ts';
import { printLineStreams } from './stream-output.ts';

export function parseTail(text: string): number {
  if (!/^-?\d+$/.test(text) || Number(text) < -1) {
    throw new UsageError(`--tail ${JSON.stringify(text)}: give a number of lines (-1 for all)`);
  }
  return Number(text);
}

export function logsCommand(io: Io): Command {
  return new Command('logs')
    .summary('print the logs of a service or container')
    .description(
      'Print the log of service SVC from every target node, each line prefixed with its node. ' +
        'With -f, keep following until Ctrl-C. With -k, SVC is a Kubernetes container (k8s.io namespace).',
    )
    .argument('<svc>', 'service id (see "osctl services") or container id with -k')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .addOption(new Option('--tail <lines>', 'print only the last LINES lines (-1: all)').default('-1'))
    .option('-k, --kubernetes', 'read a container of the k8s.io namespace (CRI)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  osctl logs apid --tail 50 -n 10.5.0.2\n' +
        '  osctl logs kubelet -f\n' +
        '  osctl logs -k kube-system/kube-proxy-abcde:kube-proxy\n',
    )
    .helpGroup(Group.Node)
    .action(async (svc: string, opts: { follow?: boolean; tail: string; kubernetes?: boolean }, cmd: Command) => {
      const tailLines = parseTail(opts.tail);
      const k8s = opts.kubernetes === true;
      await withNodeClient(cmd, io, async (client, signal) => {
        const request = {
          namespace: k8s ? 'k8s.io' : 'system',
          driver: k8s ? commonApi.ContainerDriver.CRI : commonApi.ContainerDriver.CONTAINERD,
          id: svc,
          follow: opts.follow === true,
          tailLines,
        };
        await printLineStreams(
          client,
          io,
          client.stream((o) => client.machine.logs(request, o), { signal }),
        );
      });
    });
}
