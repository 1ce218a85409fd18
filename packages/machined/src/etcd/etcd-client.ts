// machined's etcd v3 client: the few Cluster, Maintenance and KV calls Bronze needs, over grpc-js
// with mutual TLS (the admin certificate from the etcd CA), to one member's client URL. Plain values
// in and out (member ids are bigint, as etcd's uint64), so membership logic can run against a fake.
import { createClient, dial, isApiError, mutualTlsChannelCredentials, type CallOptions } from '@bronze/machinery';
import { AlarmRequest_AlarmAction, AlarmType, Cluster, KV, Maintenance } from './gen/etcdserverpb/rpc_pb.ts';
import type { AlarmMember, Member, StatusResponse } from './gen/etcdserverpb/rpc_pb.ts';

export interface EtcdMember {
  id: bigint;
  /** Empty for a member that was added but has not started yet. */
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

export interface EtcdStatus {
  memberId: bigint;
  clusterId: bigint;
  version: string;
  dbSize: bigint;
  dbSizeInUse: bigint;
  leader: bigint;
  raftIndex: bigint;
  raftTerm: bigint;
  raftAppliedIndex: bigint;
  errors: string[];
  isLearner: boolean;
}

export type EtcdAlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';

export interface EtcdAlarm {
  memberId: bigint;
  alarm: EtcdAlarmType;
}

export interface EtcdCallOptions {
  signal?: AbortSignal;
}

/** What membership and maintenance need from etcd; `openEtcdClient` speaks it to a real member. */
export interface EtcdClient {
  /** The member this client talks to, `https://ADDRESS:2379`. */
  readonly endpoint: string;
  memberList(options?: EtcdCallOptions): Promise<EtcdMember[]>;
  memberAdd(
    peerUrls: readonly string[],
    options?: EtcdCallOptions & { learner?: boolean },
  ): Promise<{ member: EtcdMember; members: EtcdMember[] }>;
  memberRemove(id: bigint, options?: EtcdCallOptions): Promise<EtcdMember[]>;
  memberPromote(id: bigint, options?: EtcdCallOptions): Promise<EtcdMember[]>;
  status(options?: EtcdCallOptions): Promise<EtcdStatus>;
  defragment(options?: EtcdCallOptions): Promise<void>;
  alarmList(options?: EtcdCallOptions): Promise<EtcdAlarm[]>;
  /** Clears `alarm` (all of them when omitted) and returns the alarms that were active. */
  alarmDisarm(alarm?: EtcdAlarm, options?: EtcdCallOptions): Promise<EtcdAlarm[]>;
  moveLeader(targetId: bigint, options?: EtcdCallOptions): Promise<void>;
  /** The backend database as etcd streams it (ends with etcd's own SHA-256 of the data). */
  snapshot(options?: EtcdCallOptions): AsyncIterable<Uint8Array>;
  put(key: string, value: string | Uint8Array, options?: EtcdCallOptions): Promise<bigint>;
  get(key: string, options?: EtcdCallOptions): Promise<Uint8Array | undefined>;
  close(): void;
}

export interface EtcdClientTls {
  /** The etcd CA (PEM). */
  ca: string | Buffer;
  /** The client certificate and key (PEM), e.g. the admin pair of the node's etcd PKI. */
  cert: string | Buffer;
  key: string | Buffer;
}

export interface OpenEtcdClientOptions {
  tls: EtcdClientTls;
  /** Deadline of each unary call unless the caller's signal ends it first; 10 s unless told. */
  callTimeoutMs?: number;
}

/** The gRPC target of a client URL: `https://127.0.1.2:2379` → `127.0.1.2:2379`. */
export function endpointTarget(endpoint: string): string {
  if (!endpoint.includes('://')) return endpoint;
  const url = new URL(endpoint);
  return `${url.hostname}:${url.port === '' ? '2379' : url.port}`;
}

/** A client of the member at `endpoint`; close it when done. Connecting is lazy. */
export function openEtcdClient(endpoint: string, options: OpenEtcdClientOptions): EtcdClient {
  const channel = dial(endpointTarget(endpoint), {
    credentials: mutualTlsChannelCredentials(options.tls),
    // A 4 MiB HTTP/2 window instead of 64 KiB: a snapshot streams at disk speed, not at one
    // window per round trip.
    channelOptions: { 'grpc-node.flow_control_window': 4 << 20 },
  });
  const kv = createClient(KV, channel);
  const cluster = createClient(Cluster, channel);
  const maintenance = createClient(Maintenance, channel);
  const timeoutMs = options.callTimeoutMs ?? 10_000;
  const call = (o: EtcdCallOptions | undefined): CallOptions => ({ deadline: new Date(Date.now() + timeoutMs), ...o });
  return {
    endpoint,
    memberList: async (o) => (await cluster.memberList({ linearizable: true }, call(o))).members.map(member),
    memberAdd: async (peerUrls, o) => {
      const r = await cluster.memberAdd({ peerURLs: [...peerUrls], isLearner: o?.learner ?? false }, call(o));
      if (r.member === undefined) throw new Error(`etcd at ${endpoint} answered MemberAdd without the new member`);
      return { member: member(r.member), members: r.members.map(member) };
    },
    memberRemove: async (id, o) => (await cluster.memberRemove({ ID: id }, call(o))).members.map(member),
    memberPromote: async (id, o) => (await cluster.memberPromote({ ID: id }, call(o))).members.map(member),
    status: async (o) => status(await maintenance.status({}, call(o))),
    defragment: async (o) => {
      // Defragmenting a large database takes long: no deadline beyond the caller's signal.
      await maintenance.defragment({}, o);
    },
    alarmList: async (o) =>
      (await maintenance.alarm({ action: AlarmRequest_AlarmAction.GET }, call(o))).alarms.map(alarm),
    alarmDisarm: async (a, o) => {
      const req = {
        action: AlarmRequest_AlarmAction.DEACTIVATE,
        memberID: a?.memberId ?? 0n,
        alarm: AlarmType[a?.alarm ?? 'NONE'],
      };
      return (await maintenance.alarm(req, call(o))).alarms.map(alarm);
    },
    moveLeader: async (targetId, o) => {
      await maintenance.moveLeader({ targetID: targetId }, call(o));
    },
    snapshot: (o) => snapshotBlobs(maintenance.snapshot({}, o)),
    put: async (key, value, o) => {
      const v = typeof value === 'string' ? new TextEncoder().encode(value) : value;
      const r = await kv.put({ key: new TextEncoder().encode(key), value: v }, call(o));
      return r.header?.revision ?? 0n;
    },
    get: async (key, o) => (await kv.range({ key: new TextEncoder().encode(key) }, call(o))).kvs[0]?.value,
    close: () => {
      channel.close();
    },
  };
}

async function* snapshotBlobs(stream: AsyncIterable<{ blob: Uint8Array }>): AsyncGenerator<Uint8Array> {
  for await (const r of stream) if (r.blob.length > 0) yield r.blob;
}

function member(m: Member): EtcdMember {
  return { id: m.ID, name: m.name, peerUrls: [...m.peerURLs], clientUrls: [...m.clientURLs], isLearner: m.isLearner };
}

function alarm(a: AlarmMember): EtcdAlarm {
  const names: Record<number, EtcdAlarmType> = { 0: 'NONE', 1: 'NOSPACE', 2: 'CORRUPT' };
  return { memberId: a.memberID, alarm: names[a.alarm] ?? 'NONE' };
}

function status(r: StatusResponse): EtcdStatus {
  return {
    memberId: r.header?.memberId ?? 0n,
    clusterId: r.header?.clusterId ?? 0n,
    version: r.version,
    dbSize: r.dbSize,
    dbSizeInUse: r.dbSizeInUse,
    leader: r.leader,
    raftIndex: r.raftIndex,
    raftTerm: r.raftTerm,
    raftAppliedIndex: r.raftAppliedIndex,
    errors: [...r.errors],
    isLearner: r.isLearner,
  };
}

/** etcd's own message of a failed call (`etcdserver: ...`), or the error's message. */
export function etcdMessage(err: unknown): string {
  if (isApiError(err)) return err.details ?? err.message;
  return err instanceof Error ? err.message : String(err);
}

/** Whether etcd refused to promote a learner that has not caught up with the leader yet. */
export function isLearnerNotReady(err: unknown): boolean {
  return /in sync with leader/i.test(etcdMessage(err));
}

/** Whether etcd refused to promote a member that is a voter already. */
export function isMemberNotLearner(err: unknown): boolean {
  return /can only promote a learner member\s*$/i.test(etcdMessage(err));
}

/** Whether etcd refused to add a learner while another learner waits (3.4 allows one). */
export function isTooManyLearners(err: unknown): boolean {
  return /too many learner members/i.test(etcdMessage(err));
}

/**
 * Whether etcd refused a membership change to protect its quorum: it accepts one only once enough
 * voting members have been connected for etcd's health interval (5 s), e.g. just after a promotion
 * or a restart. Waiting is the remedy.
 */
export function isQuorumGuard(err: unknown): boolean {
  return /unhealthy cluster|not enough started members|reconfigure breaks active quorum/i.test(etcdMessage(err));
}

/** Whether etcd reports that the member id does not exist (already removed). */
export function isMemberNotFound(err: unknown): boolean {
  return /member not found/i.test(etcdMessage(err));
}
