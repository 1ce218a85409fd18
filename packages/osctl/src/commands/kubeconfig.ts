import { Command } from 'commander';
import { kubeconfigFromTarGz, mergeKubeconfig, writeFileAtomic } from '@bronze/machinery';
import { Group } from '../groups.ts';
import { UsageError, type Io } from '../io.ts';
import { kubeconfigTarget, mergeIntoKubeconfig } from './kubeconfig-file.ts';
import { singleNode, withNodeClient } from './node-command.ts';

interface Options {
  force?: boolean;
  merge: boolean;
  forceContextName?: string;
}

export function kubeconfigCommand(io: Io): Command {
  return new Command('kubeconfig')
    .summary('download an admin kubeconfig from a control-plane node')
    .description(
      'Ask one control-plane node for a freshly generated admin kubeconfig (a new client ' +
        'certificate in system:masters from the cluster CA, valid for ' +
        'cluster.adminKubeconfig.certLifetime, one year by default) and merge it into LOCAL-PATH: ' +
        'by default the first file of $KUBECONFIG, else ~/.kube/config. A LOCAL-PATH that is a ' +
        'directory gets a file named kubeconfig in it.\n\n' +
        'Merging adds the cluster, user and context admin@CLUSTER and makes that context current; ' +
        'the same cluster again is replaced, a different cluster of the same name is kept and the ' +
        'new entries are renamed NAME-1 (--force replaces them instead). With --merge=false the ' +
        'file is written whole, and an existing file is replaced only with --force. The file is ' +
        'written atomically with mode 0600.',
    )
    .argument('[local-path]', 'where to write or merge the kubeconfig')
    .option('-f, --force', 'replace clashing entries on merge, or an existing file without merge')
    .option('-m, --merge [bool]', 'merge into an existing kubeconfig (default true)', parseBool, true)
    .option('--force-context-name <name>', 'name the new context NAME instead of admin@CLUSTER')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  osctl kubeconfig -n 10.5.0.2                  merge into ~/.kube/config\n' +
        '  osctl kubeconfig ./kubeconfig --merge=false -n 10.5.0.2\n' +
        '  osctl kubeconfig . -n 10.5.0.2                ./kubeconfig\n',
    )
    .helpGroup(Group.Node)
    .action(async (localPath: string | undefined, opts: Options, cmd: Command) => {
      const target = await kubeconfigTarget(io, localPath);
      await withNodeClient(cmd, io, async (client, signal) => {
        singleNode(client.targets, 'kubeconfig');
        const node = client.targets[0]?.node ?? '';
        const chunks = async function* (): AsyncGenerator<Uint8Array> {
          for await (const item of client.stream((o) => client.machine.kubeconfig({}, o), { signal })) {
            if (!item.ok) throw new Error(`${node}: kubeconfig`, { cause: item.error });
            yield item.value.bytes;
          }
        };
        const fresh = await kubeconfigFromTarGz(chunks(), signal);
        if (!opts.merge) {
          const text =
            opts.forceContextName === undefined
              ? fresh
              : mergeKubeconfig(undefined, fresh, { contextName: opts.forceContextName }).text;
          await writeFileAtomic({ path: target, data: text, mode: 0o600 }, { force: opts.force === true });
          io.out(`wrote the kubeconfig to ${target}\n`);
          return;
        }
        await mergeIntoKubeconfig(io, fresh, {
          path: target,
          force: opts.force === true,
          ...(opts.forceContextName === undefined ? {} : { contextName: opts.forceContextName }),
        });
      });
    });
}

function parseBool(value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`--merge takes true or false, got "${value}"`);
}
