// The etcd checks, over the control-plane nodes: each member answers EtcdStatus without errors,
// every node sees the same member list, and that list is exactly the control planes, none a learner.
import type { EtcdMember } from '../api/gen/machine/machine_pb.ts';
import { replyError } from '../client/fan-out.ts';
import { callTo, hostOf, onEveryNode, type CheckContext } from './health-client.ts';

function needControlPlanes(ctx: CheckContext): void {
  if (ctx.controlPlanes.length === 0) throw new Error('no control-plane nodes to check');
}

/** etcd to be healthy: EtcdStatus answers on every control plane, with no member errors. */
export async function checkEtcdHealthy(ctx: CheckContext): Promise<void> {
  needControlPlanes(ctx);
  await onEveryNode(ctx.controlPlanes, async (node) => {
    const reply = await ctx.client.machine.etcdStatus({}, callTo(node, ctx.signal));
    const [m] = reply.messages;
    if (m === undefined) throw new Error('EtcdStatus returned no message');
    const error = replyError(m);
    if (error !== undefined) throw new Error(error);
    const errors = m.memberStatus?.errors ?? [];
    if (errors.length > 0) throw new Error(`etcd reports: ${errors.join('; ')}`);
  });
}

async function memberLists(ctx: CheckContext): Promise<Map<string, EtcdMember[]>> {
  const lists = new Map<string, EtcdMember[]>();
  await onEveryNode(ctx.controlPlanes, async (node) => {
    const reply = await ctx.client.machine.etcdMemberList({ queryLocal: false }, callTo(node, ctx.signal));
    const [m] = reply.messages;
    if (m === undefined) throw new Error('EtcdMemberList returned no message');
    const error = replyError(m);
    if (error !== undefined) throw new Error(error);
    lists.set(node, m.members);
  });
  return lists;
}

/** A member as the consistency check compares it: id, name, peer URLs and learner flag. */
export function memberKey(m: EtcdMember): string {
  const peers = [...m.peerUrls].sort().join(',');
  return `${m.id.toString(16)} ${m.hostname} ${peers}${m.isLearner ? ' learner' : ''}`;
}

function describeSet(members: readonly EtcdMember[]): string {
  return members.map((m) => `${m.hostname}${m.isLearner ? ' (learner)' : ''}`).join(', ') || 'no members';
}

/** etcd members to be consistent across nodes: every control plane lists the same members. */
export async function checkEtcdConsistent(ctx: CheckContext): Promise<void> {
  needControlPlanes(ctx);
  const lists = await memberLists(ctx);
  const [first, ...rest] = ctx.controlPlanes;
  if (first === undefined) return;
  const reference = lists.get(first) ?? [];
  const key = (ms: readonly EtcdMember[]): string => ms.map(memberKey).sort().join('\n');
  for (const node of rest) {
    const other = lists.get(node) ?? [];
    if (key(other) !== key(reference)) {
      throw new Error(`${first} lists [${describeSet(reference)}] but ${node} lists [${describeSet(other)}]`);
    }
  }
}

function peerHosts(m: EtcdMember): string[] {
  return m.peerUrls.flatMap((u) => {
    try {
      return [new URL(u).hostname.replace(/^\[|\]$/g, '')];
    } catch {
      return [];
    }
  });
}

/**
 * Compares a member list with the control-plane nodes (by the hosts of the peer URLs): the
 * problems found, empty when the list is exactly the control planes and none is a learner.
 */
export function memberProblems(members: readonly EtcdMember[], controlPlanes: readonly string[]): string[] {
  const wanted = new Set(controlPlanes.map(hostOf));
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const m of members) {
    const hosts = peerHosts(m);
    const match = hosts.find((h) => wanted.has(h));
    if (match === undefined) {
      problems.push(`member ${m.hostname} (${m.peerUrls.join(', ')}) is not a control-plane node`);
      continue;
    }
    seen.add(match);
    if (m.isLearner) problems.push(`member ${m.hostname} (${match}) is still a learner`);
  }
  for (const host of wanted) if (!seen.has(host)) problems.push(`control plane ${host} is not an etcd member`);
  return problems;
}

/** etcd members to be control plane nodes: the members are exactly the control planes, no learners. */
export async function checkEtcdMembersAreControlPlanes(ctx: CheckContext): Promise<void> {
  needControlPlanes(ctx);
  const first = ctx.controlPlanes[0] ?? '';
  const lists = await memberLists({ ...ctx, controlPlanes: [first] });
  const problems = memberProblems(lists.get(first) ?? [], ctx.controlPlanes);
  if (problems.length > 0) throw new Error(problems.join('; '));
}
