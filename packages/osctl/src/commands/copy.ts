import { Command } from 'commander';
import { resolve } from 'node:path';
import { extractTarGz } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { singleNode, withNodeClient, writeBytes } from './node-command.ts';

export function copyCommand(io: Io): Command {
  return new Command('copy')
    .aliases(['cp'])
    .summary('copy files out of a node as tar.gz')
    .description(
      'Copy SRC (a file or directory) from the target node: the node sends a tar.gz, which is ' +
        'extracted into the local directory LOCAL, or written as is to stdout when LOCAL is "-". ' +
        'Existing files are never overwritten. Works on one node at a time.',
    )
    .argument('<src>', 'path on the node')
    .argument('<local>', 'local directory to extract into, or - for the tar.gz on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  osctl cp /var/log ./node-logs -n 10.5.0.2\n' +
        '  osctl cp /etc/os-release - -n 10.5.0.2 | tar tz\n',
    )
    .helpGroup(Group.Node)
    .action(async (src: string, local: string, _opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        singleNode(client.targets, 'copy');
        const node = client.targets[0]?.node ?? '';
        const chunks = async function* (): AsyncGenerator<Uint8Array> {
          for await (const item of client.stream((o) => client.machine.copy({ rootPath: src }, o), { signal })) {
            if (!item.ok) throw new Error(`${node}: copy ${src}`, { cause: item.error });
            yield item.value.bytes;
          }
        };
        if (local === '-') {
          for await (const bytes of chunks()) writeBytes(io, bytes);
          return;
        }
        const dir = resolve(io.cwd, local);
        try {
          await extractTarGz(chunks(), dir, { signal });
        } catch (err) {
          throw new Error(`failed to copy ${src} from ${node} into ${dir}`, { cause: err });
        }
      });
    });
}
