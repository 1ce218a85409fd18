// An in-memory etcd cluster for unit tests of membership logic (and of machined's wiring): the
// membership rules that matter to Bronze, with etcd's own error messages, and scripted failures.
import { ApiError } from '@bronze/machinery';
import type { EtcdAlarm, EtcdClient, EtcdMember, EtcdStatus } from './etcd-client.ts';

export interface FakeEtcdOptions {
  /** MemberPromote answers "not in sync" this many times before it succeeds. */
  promoteNotReady?: number;
}

function refused(message: string): ApiError {
  return new ApiError('failed-precondition', message, { details: message });
}

export class FakeEtcdCluster {
  members: EtcdMember[] = [];
  leader = 0n;
  calls: string[] = [];
  promoteNotReady: number;
  /** Endpoints that do not answer. */
  readonly down = new Set<string>();
  #nextId = 0x1000n;

  constructor(options: FakeEtcdOptions = {}) {
    this.promoteNotReady = options.promoteNotReady ?? 0;
  }

  /** Adds a started voter (as a bootstrap or an earlier join did). */
  addVoter(name: string, address: string): EtcdMember {
    const m: EtcdMember = {
      id: this.#nextId++,
      name,
      peerUrls: [`https://${address}:2380`],
      clientUrls: [`https://${address}:2379`],
      isLearner: false,
    };
    this.members.push(m);
    if (this.leader === 0n) this.leader = m.id;
    return m;
  }

  /** A client of the member at `endpoint`. */
  client(endpoint: string): EtcdClient {
    const check = (call: string): void => {
      this.calls.push(`${call} ${endpoint}`);
      if (this.down.has(endpoint)) throw new ApiError('unavailable', `connect ECONNREFUSED ${endpoint}`);
    };
    const self = (): EtcdMember | undefined => this.members.find((m) => m.clientUrls.includes(endpoint));
    const copy = (): EtcdMember[] => this.members.map((m) => ({ ...m }));
    const unsupported = (): never => {
      throw new Error('not in the fake');
    };
    return {
      endpoint,
      memberList: () => Promise.resolve().then(() => (check('list'), copy())),
      memberAdd: (peerUrls, o) =>
        Promise.resolve().then(() => {
          check('add');
          if (o?.learner === true && this.members.some((m) => m.isLearner)) {
            throw refused('etcdserver: too many learner members in cluster');
          }
          const member = { id: this.#nextId++, name: '', peerUrls: [...peerUrls], clientUrls: [], isLearner: true };
          this.members.push(member);
          return { member: { ...member }, members: copy() };
        }),
      memberRemove: (id) =>
        Promise.resolve().then(() => {
          check('remove');
          if (!this.members.some((m) => m.id === id)) throw new ApiError('not-found', 'etcdserver: member not found');
          this.members = this.members.filter((m) => m.id !== id);
          return copy();
        }),
      memberPromote: (id) =>
        Promise.resolve().then(() => {
          check('promote');
          const m = this.members.find((x) => x.id === id);
          if (m === undefined) throw new ApiError('not-found', 'etcdserver: member not found');
          if (!m.isLearner) throw refused('etcdserver: can only promote a learner member');
          if (this.promoteNotReady-- > 0) {
            throw refused('etcdserver: can only promote a learner member which is in sync with leader');
          }
          m.isLearner = false;
          return copy();
        }),
      status: () =>
        Promise.resolve().then((): EtcdStatus => {
          check('status');
          const m = self();
          return {
            memberId: m?.id ?? 0n,
            clusterId: 1n,
            version: '3.4.23',
            dbSize: 20480n,
            dbSizeInUse: 16384n,
            leader: this.leader,
            raftIndex: 10n,
            raftTerm: 2n,
            raftAppliedIndex: 10n,
            errors: [],
            isLearner: m?.isLearner ?? false,
          };
        }),
      moveLeader: (id) =>
        Promise.resolve().then(() => {
          check('move-leader');
          this.leader = id;
        }),
      defragment: () =>
        Promise.resolve().then(() => {
          check('defrag');
        }),
      alarmList: () => Promise.resolve<EtcdAlarm[]>([]),
      alarmDisarm: () => Promise.resolve<EtcdAlarm[]>([]),
      snapshot: unsupported,
      put: unsupported,
      get: unsupported,
      close: () => undefined,
    };
  }
}
