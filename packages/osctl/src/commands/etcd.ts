import { Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { etcdAlarmCommand } from './etcd-alarm.ts';
import {
  etcdDefragCommand,
  etcdForfeitLeadershipCommand,
  etcdLeaveCommand,
  etcdRemoveMemberCommand,
} from './etcd-member-ops.ts';
import { etcdMembersCommand } from './etcd-members.ts';
import { etcdSnapshotCommand } from './etcd-snapshot.ts';
import { etcdStatusCommand } from './etcd-status.ts';

export function etcdCommand(io: Io): Command {
  return new Command('etcd')
    .summary('manage the etcd cluster')
    .description(
      'etcd runs on control-plane nodes only. Create the cluster once with `osctl bootstrap`; these commands inspect it and change its membership.',
    )
    .helpGroup(Group.Node)
    .addCommand(etcdMembersCommand(io))
    .addCommand(etcdStatusCommand(io))
    .addCommand(etcdSnapshotCommand(io))
    .addCommand(etcdLeaveCommand(io))
    .addCommand(etcdRemoveMemberCommand(io))
    .addCommand(etcdForfeitLeadershipCommand(io))
    .addCommand(etcdDefragCommand(io))
    .addCommand(etcdAlarmCommand(io));
}
