// Membership operations on a running member: hand leadership to another voter, leave the cluster
// (and wipe the data so the node can join afresh), and remove another member by id.
import type { Logger } from '../log/logger.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMemberNotFound, isQuorumGuard, type EtcdClient, type EtcdMember } from './etcd-client.ts';
import { wipeEtcdData } from './etcd-data.ts';
import { EtcdError } from './etcd-error.ts';
import { hex } from './etcd-join.ts';

export interface ForfeitResult {
  /** The member id that led before the call. */
  previousLeader: bigint;
  /** The new leader, or undefined when this member did not lead (nothing to do). */
  movedTo: bigint | undefined;
}

/** When `local`'s member leads, moves leadership to another started voting member. */
export async function forfeitLeadership(
  local: EtcdClient,
  options: { signal?: AbortSignal; logger?: Logger } = {},
): Promise<ForfeitResult> {
  const status = await local.status(options);
  if (status.leader !== status.memberId) return { previousLeader: status.leader, movedTo: undefined };
  const members = await local.memberList(options);
  const target = members.find((m) => m.id !== status.memberId && !m.isLearner && m.name !== '');
  if (target === undefined) {
    throw new EtcdError(
      'member',
      `member ${hex(status.memberId)} is the only voting etcd member: there is no other member to lead; add a control-plane node first`,
    );
  }
  await local.moveLeader(target.id, options);
  options.logger?.info('moved etcd leadership', { from: hex(status.memberId), to: hex(target.id) });
  return { previousLeader: status.memberId, movedTo: target.id };
}

export interface LeaveOptions {
  /** Client of this node's member. */
  local: EtcdClient;
  /** Connects to another member's client URL (removal goes through a member that stays). */
  connect: (endpoint: string) => EtcdClient;
  /** Stops this node's etcd (machined: the etcd service). */
  stop: (signal: AbortSignal) => Promise<void>;
  dataDir: string;
  logger: Logger;
  signal: AbortSignal;
}

/** Removes this node's member from the cluster, stops etcd and wipes the data directory. */
export async function leave(options: LeaveOptions): Promise<{ memberId: bigint }> {
  const { local, signal, logger } = options;
  const status = await local.status({ signal });
  const self = status.memberId;
  const members = await local.memberList({ signal });
  const others = members.filter((m) => m.id !== self && m.clientUrls.length > 0);
  if (others.length === 0) {
    throw new EtcdError(
      'member',
      `member ${hex(self)} is the only started etcd member: leaving would destroy the cluster; take a snapshot and reset the node instead`,
    );
  }
  if (status.leader === self) await forfeitLeadership(local, { signal, logger });
  await removeVia(others, self, options);
  logger.info('left the etcd cluster', { memberId: hex(self) });
  await options.stop(signal);
  await wipeEtcdData(options.dataDir);
  return { memberId: self };
}

async function removeVia(others: readonly EtcdMember[], id: bigint, options: LeaveOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const errors: unknown[] = [];
    for (const m of others) {
      const client = options.connect(m.clientUrls[0] ?? '');
      try {
        await removeMember(client, id, { signal: options.signal });
        return;
      } catch (err) {
        options.signal.throwIfAborted();
        errors.push(err);
      } finally {
        client.close();
      }
    }
    // etcd refuses to remove a voter until the others have been connected for 5 s: wait for that.
    if (!errors.every(isQuorumGuard)) {
      throw new EtcdError('member', `cannot remove member ${hex(id)} through any other member`, {
        cause: new AggregateError(errors),
      });
    }
    if (attempt === 1) options.logger.info('waiting for etcd to accept the removal (quorum protection, up to 5 s)');
    await sleep(500, undefined, { signal: options.signal });
  }
}

/** Removes member `id`; one that is gone already counts as removed. Returns whether it was there. */
export async function removeMember(
  client: EtcdClient,
  id: bigint,
  options: { signal?: AbortSignal } = {},
): Promise<boolean> {
  try {
    await client.memberRemove(id, options);
    return true;
  } catch (err) {
    if (isMemberNotFound(err)) return false;
    throw err;
  }
}
