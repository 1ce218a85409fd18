import { Command } from 'commander';
import type { machineApi } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { formatTable } from '../output/table.ts';
import { withNodeClient } from './node-command.ts';
import { etcdCall, memberIdText } from './etcd-run.ts';

const AlarmNames = ['NONE', 'NOSPACE', 'CORRUPT'];

function alarmRows(replies: { node: string; value: { memberAlarms: machineApi.EtcdMemberAlarm[] } }[]): string[][] {
  return replies.flatMap(({ node, value }) =>
    value.memberAlarms.map((a) => [node, memberIdText(a.memberId), AlarmNames[a.alarm] ?? String(a.alarm)]),
  );
}

export function etcdAlarmCommand(io: Io): Command {
  const list = new Command('list')
    .summary('list the active etcd alarms')
    .action(async (_opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        await etcdCall(client, io, {
          call: (o) => client.machine.etcdAlarmList({}, o),
          signal,
          print: (replies) => {
            io.out(formatTable(['NODE', 'MEMBER', 'ALARM'], alarmRows(replies)));
          },
        });
      });
    });
  const disarm = new Command('disarm')
    .summary('clear the etcd alarms')
    .description(
      'Clear every active etcd alarm (e.g. NOSPACE after freeing space with defrag); lists what was cleared.',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      await withNodeClient(cmd, io, async (client, signal) => {
        await etcdCall(client, io, {
          call: (o) => client.machine.etcdAlarmDisarm({}, o),
          signal,
          print: (replies) => {
            io.out(formatTable(['NODE', 'MEMBER', 'ALARM'], alarmRows(replies)));
          },
        });
      });
    });
  return new Command('alarm')
    .summary('list or clear etcd alarms')
    .description('etcd raises alarms (NOSPACE, CORRUPT) that make it refuse writes until they are cleared.')
    .addCommand(list)
    .addCommand(disarm);
}
