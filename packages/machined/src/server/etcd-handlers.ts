// Bootstrap and the Etcd* calls of MachineService, over the node's etcd (machined/node-etcd.ts).
// Workers answer FailedPrecondition; etcd's domain errors map through etcdErrorStatus.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, isApiError, type CallContext, type HandlersOf, type machineApi } from '@bronze/machinery';
import type { EtcdAlarm } from '../etcd/etcd-client.ts';
import { etcdErrorStatus, isEtcdError } from '../etcd/etcd-error.ts';
import { alarmDisarm, alarmList, defragment, memberStatus } from '../etcd/etcd-maintenance.ts';
import { forfeitLeadership, leave, removeMember } from '../etcd/etcd-membership.ts';
import type { NodeEtcd } from '../machined/node-etcd.ts';
import { replyMetadata } from './info-handlers.ts';
import type { NodeApi } from './node-api.ts';

type Handlers = HandlersOf<typeof machineApi.MachineService>;

/** How long the end of an upload waits for a cancellation on its way (see apid's forward.ts). */
const EndSettleMs = 50;

function etcdOf(node: NodeApi): NodeEtcd {
  const etcd = node.etcd();
  if (etcd === undefined) throw new ApiError('failed-precondition', 'etcd runs on control-plane nodes only');
  return etcd;
}

/** Runs `fn` with the node's etcd, mapping EtcdError and etcd's own refusals to API errors. */
async function withEtcd<T>(node: NodeApi, fn: (etcd: NodeEtcd) => Promise<T>): Promise<T> {
  const etcd = etcdOf(node);
  try {
    return await fn(etcd);
  } catch (err) {
    if (isApiError(err)) throw err;
    if (isEtcdError(err)) throw new ApiError(etcdErrorStatus(err), err.message, { cause: err });
    const message = err instanceof Error ? err.message : String(err);
    throw new ApiError('failed-precondition', `etcd on ${etcd.name}: ${message}`, { cause: err });
  }
}

const alarmCode = { NONE: 0, NOSPACE: 1, CORRUPT: 2 } as const;

function wireAlarms(alarms: readonly EtcdAlarm[]) {
  return alarms.map((a) => ({ memberId: a.memberId, alarm: alarmCode[a.alarm] }));
}

function signalOf(node: NodeApi, ctx: CallContext): AbortSignal {
  return AbortSignal.any([ctx.signal, node.bootSignal()]);
}

export function etcdHandlers(node: NodeApi): Handlers {
  const meta = () => replyMetadata(node);
  return {
    bootstrap: (req, ctx) =>
      withEtcd(node, async (etcd) => {
        await etcd.bootstrap(
          { recover: req.recoverEtcd, skipHashCheck: req.recoverSkipHashCheck },
          signalOf(node, ctx),
        );
        return { messages: [{ metadata: meta() }] };
      }),
    etcdMemberList: (_req, ctx) =>
      withEtcd(node, async (etcd) => {
        const members = await etcd.client().memberList({ signal: signalOf(node, ctx) });
        const wire = members.map((m) => ({
          id: m.id,
          hostname: m.name,
          peerUrls: m.peerUrls,
          clientUrls: m.clientUrls,
          isLearner: m.isLearner,
        }));
        return { messages: [{ metadata: meta(), legacyMembers: members.map((m) => m.name), members: wire }] };
      }),
    etcdRemoveMemberByID: (req, ctx) =>
      withEtcd(node, async (etcd) => {
        const removed = await removeMember(etcd.client(), req.memberId, { signal: signalOf(node, ctx) });
        if (!removed) throw new ApiError('not-found', `etcd has no member ${req.memberId.toString(16)}`);
        return { messages: [{ metadata: meta() }] };
      }),
    etcdLeaveCluster: (_req, ctx) =>
      withEtcd(node, async (etcd) => {
        await leave({
          local: etcd.client(),
          connect: (endpoint) => etcd.connect(endpoint),
          stop: (signal) => etcd.stopService(signal),
          dataDir: etcd.paths.dataDir,
          logger: etcd.logger,
          signal: signalOf(node, ctx),
        });
        return { messages: [{ metadata: meta() }] };
      }),
    etcdForfeitLeadership: (_req, ctx) =>
      withEtcd(node, async (etcd) => {
        const r = await forfeitLeadership(etcd.client(), { signal: signalOf(node, ctx) });
        const member = r.movedTo === undefined ? '' : r.previousLeader.toString(16);
        return { messages: [{ metadata: meta(), member }] };
      }),
    etcdStatus: (_req, ctx) =>
      withEtcd(node, async (etcd) => {
        const s = await memberStatus(etcd.client(), { signal: signalOf(node, ctx) });
        const memberStatus_ = {
          memberId: s.memberId,
          protocolVersion: s.version,
          storageVersion: '',
          dbSize: s.dbSize,
          dbSizeInUse: s.dbSizeInUse,
          leader: s.leader,
          raftIndex: s.raftIndex,
          raftTerm: s.raftTerm,
          raftAppliedIndex: s.raftAppliedIndex,
          errors: s.errors,
          isLearner: s.isLearner,
        };
        return { messages: [{ metadata: meta(), memberStatus: memberStatus_ }] };
      }),
    etcdDefragment: (_req, ctx) =>
      withEtcd(node, async (etcd) => {
        await defragment(etcd.client(), { signal: signalOf(node, ctx) });
        return { messages: [{ metadata: meta() }] };
      }),
    etcdAlarmList: (_req, ctx) =>
      withEtcd(node, async (etcd) => {
        const alarms = await alarmList(etcd.client(), { signal: signalOf(node, ctx) });
        return { messages: [{ metadata: meta(), memberAlarms: wireAlarms(alarms) }] };
      }),
    etcdAlarmDisarm: (_req, ctx) =>
      withEtcd(node, async (etcd) => {
        const alarms = await alarmDisarm(etcd.client(), { signal: signalOf(node, ctx) });
        return { messages: [{ metadata: meta(), memberAlarms: wireAlarms(alarms) }] };
      }),
    etcdSnapshot: async function* (_req, ctx) {
      const etcd = etcdOf(node);
      try {
        for await (const chunk of etcd.client().snapshot({ signal: signalOf(node, ctx) })) {
          yield { bytes: chunk };
        }
      } catch (err) {
        if (isApiError(err)) throw err;
        const message = err instanceof Error ? err.message : String(err);
        throw new ApiError('unavailable', `etcd snapshot on ${etcd.name} failed: ${message}`, { cause: err });
      }
    },
    etcdRecover: (requests, ctx) =>
      withEtcd(node, async (etcd) => {
        await receiveSnapshot(requests, etcd.paths.recoverSnapshot, ctx.signal);
        return { messages: [{ metadata: meta() }] };
      }),
  };
}

/** Writes an uploaded snapshot to `path` (0600) through a temp file; a cancelled upload leaves nothing. */
async function receiveSnapshot(
  requests: AsyncIterable<{ bytes: Uint8Array }>,
  path: string,
  signal: AbortSignal,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.part`;
  const out = createWriteStream(temp, { mode: 0o600, flush: true });
  try {
    let bytes = 0;
    for await (const r of requests) {
      bytes += r.bytes.length;
      if (!out.write(r.bytes)) await once(out, 'drain', { signal });
    }
    out.end();
    await once(out, 'finish');
    // grpc-js may end the request stream before it reports a cancellation: wait, then check.
    await sleep(EndSettleMs);
    if (signal.aborted) throw new ApiError('cancelled', 'the snapshot upload was cancelled');
    if (bytes === 0) throw new ApiError('invalid-argument', 'the uploaded snapshot is empty');
    await rename(temp, path);
  } finally {
    out.destroy();
    await rm(temp, { force: true });
  }
}
