import { Command } from 'commander';
import type { Io } from '../io.ts';
import { formatTable } from '../output/table.ts';
import { humanBytes } from '../output/units.ts';
import { withNodeClient } from './node-command.ts';
import { etcdCall, memberIdText } from './etcd-run.ts';

export function etcdStatusCommand(io: Io): Command {
  return new Command('status')
    .summary("show each member's etcd status")
    .description('Show the status of the etcd member on every target control-plane node.')
    .action(async (_opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        await etcdCall(client, io, {
          call: (o) => client.machine.etcdStatus({}, o),
          signal,
          print: (replies) => {
            const rows = replies.map(({ node, value }) => {
              const s = value.memberStatus;
              if (s === undefined) return [node, '', '', '', '', '', '', '', '', ''];
              const inUse = s.dbSize > 0n ? Number((s.dbSizeInUse * 100n) / s.dbSize) : 0;
              return [
                node,
                memberIdText(s.memberId),
                humanBytes(s.dbSize),
                `${humanBytes(s.dbSizeInUse)} (${String(inUse)}%)`,
                memberIdText(s.leader),
                String(s.raftIndex),
                String(s.raftTerm),
                String(s.raftAppliedIndex),
                String(s.isLearner),
                s.errors.join(', '),
              ];
            });
            io.out(
              formatTable(
                [
                  'NODE',
                  'MEMBER',
                  'DB SIZE',
                  'IN USE',
                  'LEADER',
                  'RAFT INDEX',
                  'RAFT TERM',
                  'RAFT APPLIED INDEX',
                  'LEARNER',
                  'ERRORS',
                ],
                rows,
              ),
            );
          },
        });
      });
    });
}
