// Join: a control-plane node with an empty data directory adds itself to the running cluster with
// no human step. It finds members through the other control-plane nodes' etcd client URLs, removes
// a stale member with its own name or peer URL (a node that was reset and comes back), adds itself
// as a learner, starts etcd with initial-cluster-state=existing, and promotes itself to a voter once
// it has caught up. While it waits it logs what it waits for and how to unblock it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log/logger.ts';
import {
  etcdMessage,
  isLearnerNotReady,
  isMemberNotLearner,
  isQuorumGuard,
  isTooManyLearners,
  type EtcdClient,
  type EtcdMember,
} from './etcd-client.ts';
import type { EtcdLaunch } from './etcd-spec.ts';

export interface JoinOptions {
  name: string;
  peerUrl: string;
  /** Client URLs of the other control-plane nodes' etcd, read again at each attempt. */
  discover: (signal: AbortSignal) => Promise<readonly string[]>;
  connect: (endpoint: string) => EtcdClient;
  /** Starts etcd with this launch (machined: the etcd service); resolves once it runs. */
  start: (launch: EtcdLaunch, signal: AbortSignal) => Promise<void>;
  logger: Logger;
  signal: AbortSignal;
  /** Pause between attempts; 1 s unless told. */
  retryMs?: number;
}

export interface JoinResult {
  memberId: bigint;
  launch: EtcdLaunch;
  /** Milliseconds from the start to the learner's addition and to its promotion. */
  addedAfterMs: number;
  promotedAfterMs: number;
}

export async function join(options: JoinOptions): Promise<JoinResult> {
  const t0 = performance.now();
  const { member, members } = await addLearner(options);
  const addedAfterMs = performance.now() - t0;
  // Members added but not started have no name yet: only started ones and this one form the flag.
  const initialCluster = members
    .filter((m) => m.id === member.id || m.name !== '')
    .map((m) => ({ name: m.id === member.id ? options.name : m.name, peerUrl: m.peerUrls[0] ?? '' }));
  const launch: EtcdLaunch = { state: 'existing', initialCluster };
  options.logger.info('starting etcd as a learner', {
    memberId: hex(member.id),
    initialCluster: initialCluster.length,
  });
  await options.start(launch, options.signal);
  await promoteLearner(member.id, options);
  return { memberId: member.id, launch, addedAfterMs, promotedAfterMs: performance.now() - t0 };
}

/** Calls `fn` with a client of each discovered endpoint until one returns; undefined when none did. */
async function viaAnyMember<T>(
  options: PromoteOptions,
  what: string,
  fn: (client: EtcdClient) => Promise<T>,
): Promise<{ value: T } | { endpoints: readonly string[]; errors: string[] }> {
  const endpoints = await options.discover(options.signal);
  const errors: string[] = [];
  for (const endpoint of endpoints) {
    const client = options.connect(endpoint);
    try {
      return { value: await fn(client) };
    } catch (err) {
      options.signal.throwIfAborted();
      errors.push(`${endpoint}: ${etcdMessage(err)}`);
    } finally {
      client.close();
    }
  }
  options.logger.debug(`${what} failed on every endpoint`, {
    endpoints: endpoints.join(','),
    errors: errors.join('; '),
  });
  return { endpoints, errors };
}

async function addLearner(options: JoinOptions): Promise<{ member: EtcdMember; members: EtcdMember[] }> {
  const { name, peerUrl, logger, signal } = options;
  for (let attempt = 1; ; attempt++) {
    const r = await viaAnyMember(options, 'adding a learner', async (client) => {
      const current = await client.memberList({ signal });
      for (const stale of current.filter((m) => m.name === name || m.peerUrls.includes(peerUrl))) {
        logger.warn('removing a stale etcd member with this node name or peer URL', {
          memberId: hex(stale.id),
          name: stale.name,
          via: client.endpoint,
        });
        await client.memberRemove(stale.id, { signal });
      }
      return client.memberAdd([peerUrl], { learner: true, signal });
    });
    if ('value' in r) {
      logger.info('added this node to etcd as a learner', { memberId: hex(r.value.member.id) });
      return r.value;
    }
    logWaiting(options, r, attempt);
    await sleep(options.retryMs ?? 1000, undefined, { signal });
  }
}

function logWaiting(
  options: JoinOptions,
  r: { endpoints: readonly string[]; errors: string[] },
  attempt: number,
): void {
  // Every attempt at first, then every tenth, so a long wait stays readable.
  if (attempt > 3 && attempt % 10 !== 0) return;
  const { logger, name, peerUrl } = options;
  if (r.endpoints.length === 0) {
    logger.warn(
      `waiting to join etcd: no other control-plane endpoint is known yet; it appears once another control-plane node is up and in the config's endpoints`,
      { name, peerUrl, attempt },
    );
  } else if (r.errors.some((e) => isTooManyLearners(new Error(e)))) {
    logger.info('waiting to join etcd: another learner is catching up; etcd allows one at a time', { attempt });
  } else if (r.errors.some((e) => isQuorumGuard(new Error(e)))) {
    logger.info(
      'waiting to join etcd: it accepts a new member once its voting members have been connected for 5 s (quorum protection); if this lasts, check that every control-plane etcd is running',
      { attempt },
    );
  } else {
    logger.warn(
      `waiting to join etcd: no member answers at ${r.endpoints.join(', ')}; if no cluster exists yet, run \`osctl bootstrap\` on exactly one control-plane node`,
      { name, peerUrl, attempt, errors: r.errors.join('; ') },
    );
  }
}

export type PromoteOptions = Pick<JoinOptions, 'discover' | 'connect' | 'logger' | 'signal' | 'retryMs'>;

/**
 * Promotes this node's member when it is still a learner: after a restart from data, when the node
 * went down between its addition and its promotion. Returns whether it had to promote.
 */
export async function ensurePromoted(local: EtcdClient, options: PromoteOptions): Promise<boolean> {
  const status = await local.status({ signal: options.signal });
  if (!status.isLearner) return false;
  options.logger.info('this etcd member restarted as a learner; promoting it', { memberId: hex(status.memberId) });
  await promoteLearner(status.memberId, options);
  return true;
}

async function promoteLearner(id: bigint, options: PromoteOptions): Promise<void> {
  const { logger, signal } = options;
  for (let attempt = 1; ; attempt++) {
    const r = await viaAnyMember(options, 'promoting the learner', async (client) => {
      try {
        await client.memberPromote(id, { signal });
      } catch (err) {
        if (isMemberNotLearner(err)) return; // promoted already (an earlier answer was lost)
        throw err;
      }
    });
    if ('value' in r) {
      logger.info('promoted this etcd learner to a voting member', { memberId: hex(id), attempt });
      return;
    }
    if (attempt <= 3 || attempt % 10 === 0) {
      logger.info(
        r.errors.some((e) => isLearnerNotReady(new Error(e)))
          ? 'waiting for the etcd learner to catch up with the leader before its promotion'
          : `waiting to promote the etcd learner: ${r.errors.join('; ') || 'no endpoint known'}`,
        { memberId: hex(id), attempt },
      );
    }
    await sleep(options.retryMs ?? 1000, undefined, { signal });
  }
}

/** Member ids as etcdctl prints them. */
export function hex(id: bigint): string {
  return id.toString(16);
}
