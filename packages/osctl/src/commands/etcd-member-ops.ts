// The etcd commands that act and print one line per node: leave, remove-member, forfeit-leadership
// and defrag (one small builder each, in one file because they differ only in the call).
import { Command } from 'commander';
import { UsageError, type Io } from '../io.ts';
import { withNodeClient } from './node-command.ts';
import { etcdCall } from './etcd-run.ts';

export function etcdLeaveCommand(io: Io): Command {
  return new Command('leave')
    .summary('make the node leave the etcd cluster')
    .description(
      "Remove the target node's member from etcd (leadership moves first), stop its etcd and wipe its data; it rejoins at its next boot. Refused for the last member.",
    )
    .action(async (_opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        await etcdCall(client, io, {
          call: (o) => client.machine.etcdLeaveCluster({}, o),
          signal,
          print: (replies) => {
            for (const { node } of replies) io.out(`${node}: left the etcd cluster\n`);
          },
        });
      });
    });
}

export function etcdRemoveMemberCommand(io: Io): Command {
  return new Command('remove-member')
    .summary('remove an etcd member by id')
    .description(
      'Remove the member with ID (hex, as `osctl etcd members` prints it) through the target node, e.g. a node that is gone for good.',
    )
    .argument('<id>', 'member id in hex')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      if (!/^[0-9a-fA-F]{1,16}$/.test(id))
        throw new UsageError(`member id ${id} is not hex; copy it from osctl etcd members`);
      const memberId = BigInt(`0x${id}`);
      await withNodeClient(cmd, io, async (client, signal) => {
        await etcdCall(client, io, { call: (o) => client.machine.etcdRemoveMemberByID({ memberId }, o), signal });
        io.out(`removed member ${id.toLowerCase()}\n`);
      });
    });
}

export function etcdForfeitLeadershipCommand(io: Io): Command {
  return new Command('forfeit-leadership')
    .summary('move etcd leadership away from the node')
    .description('When the target node leads etcd, hand leadership to another voting member (before maintenance).')
    .action(async (_opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        await etcdCall(client, io, {
          call: (o) => client.machine.etcdForfeitLeadership({}, o),
          signal,
          print: (replies) => {
            for (const { node, value } of replies) {
              io.out(
                value.member === '' ? `${node}: not the leader, nothing to do\n` : `${node}: leadership moved away\n`,
              );
            }
          },
        });
      });
    });
}

export function etcdDefragCommand(io: Io): Command {
  return new Command('defrag')
    .summary("defragment the node's etcd database")
    .description(
      'Defragment the etcd database of the target node, giving freed space back to the file system. It blocks that member while it runs: one node at a time.',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        await etcdCall(client, io, {
          call: (o) => client.machine.etcdDefragment({}, o),
          signal,
          print: (replies) => {
            for (const { node } of replies) io.out(`${node}: defragmented\n`);
          },
        });
      });
    });
}
