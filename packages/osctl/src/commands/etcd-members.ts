import { Command } from 'commander';
import type { Io } from '../io.ts';
import { formatTable } from '../output/table.ts';
import { withNodeClient } from './node-command.ts';
import { etcdCall, memberIdText } from './etcd-run.ts';

export function etcdMembersCommand(io: Io): Command {
  return new Command('members')
    .summary('list the etcd members')
    .description("List the etcd cluster's members as each target control-plane node sees them.")
    .action(async (_opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        await etcdCall(client, io, {
          call: (o) => client.machine.etcdMemberList({}, o),
          signal,
          print: (replies) => {
            const rows = replies.flatMap(({ node, value }) =>
              value.members.map((m) => [
                node,
                memberIdText(m.id),
                m.hostname,
                m.peerUrls.join(','),
                m.clientUrls.join(','),
                String(m.isLearner),
              ]),
            );
            io.out(formatTable(['NODE', 'ID', 'HOSTNAME', 'PEER URLS', 'CLIENT URLS', 'LEARNER'], rows));
          },
        });
      });
    });
}
