// The in-memory core both backends share: kinds, validation of every operation (planned without
// side effects, so the durable backend can persist before it commits) and watches.
import {
  ConflictError,
  NotFoundError,
  OwnerConflictError,
  PendingFinalizersError,
  PhaseConflictError,
  WatchOverflowError,
} from './errors.ts';
import { KindLog } from './kind-log.ts';
import { matchLabels, type LabelQuery } from './labels.ts';
import {
  deepFreeze,
  formatPointer,
  kindKey,
  Phase,
  type Kind,
  type Metadata,
  type Pointer,
  type Resource,
} from './resource.ts';
import type { WatchEvent, WatchKindOptions, WatchOptions, Watcher } from './state.ts';
import { erroredWatcher, LogWatcher } from './watcher.ts';

/** A change ready to commit: `next` is undefined for a destroy. */
export interface Change {
  readonly old: Resource | undefined;
  readonly next: Resource | undefined;
}

export interface StoreOptions {
  /**
   * Changes kept per kind for watchers to catch up from (default 1024), or a size per kind. The
   * history holds old resources too, so keep it small for kinds with large specs.
   */
  historySize?: number | ((kind: Kind) => number);
  /** The clock for created/updated (default Date.now). */
  now?: () => number;
}

export class Store {
  readonly #kinds = new Map<string, KindLog>();
  readonly #historySize: (kind: Kind) => number;
  readonly #now: () => number;

  constructor(options: StoreOptions = {}) {
    const size = options.historySize ?? 1024;
    if (typeof size === 'number') new KindLog(size); // validates the size now rather than at first use
    this.#historySize = typeof size === 'number' ? () => size : size;
    this.#now = options.now ?? Date.now;
  }

  log(kind: Kind): KindLog {
    const key = kindKey(kind);
    let log = this.#kinds.get(key);
    if (log === undefined) {
      log = new KindLog(this.#historySize(kind));
      this.#kinds.set(key, log);
    }
    return log;
  }

  find(p: Pointer): Resource | undefined {
    return this.#kinds.get(kindKey(p))?.resources.get(p.id);
  }

  get(p: Pointer): Resource {
    const res = this.find(p);
    if (res === undefined) throw new NotFoundError(p);
    return res;
  }

  list(kind: Kind, query: { labels?: LabelQuery; idPattern?: RegExp } = {}): Resource[] {
    const log = this.#kinds.get(kindKey(kind));
    if (log === undefined) return [];
    const out: Resource[] = [];
    for (const r of log.resources.values()) if (matches(r, query)) out.push(r);
    return out.sort((a, b) => (a.metadata.id < b.metadata.id ? -1 : a.metadata.id > b.metadata.id ? 1 : 0));
  }

  planCreate(res: Resource, owner: string): Change {
    const m = res.metadata;
    const cur = this.find(m);
    if (cur !== undefined)
      throw new ConflictError(m, `already exists (version ${cur.metadata.version}); update it instead`);
    const now = this.#now();
    const metadata: Metadata = {
      namespace: m.namespace,
      type: m.type,
      id: m.id,
      version: 1,
      owner,
      phase: Phase.Running,
      finalizers: [],
      labels: { ...m.labels },
      annotations: { ...m.annotations },
      created: now,
      updated: now,
    };
    return { old: undefined, next: { metadata, spec: res.spec } };
  }

  planUpdate(res: Resource, options: { owner: string; expectedPhase: Phase }): Change {
    const m = res.metadata;
    const cur = this.#owned(m, options.owner);
    if (cur.metadata.version !== m.version) {
      throw new ConflictError(
        m,
        `version ${m.version} is not the current version ${cur.metadata.version}; read it again and retry`,
      );
    }
    if (cur.metadata.phase !== options.expectedPhase) {
      throw new PhaseConflictError(
        m,
        `is in phase ${cur.metadata.phase}, not ${options.expectedPhase}; it cannot be updated`,
      );
    }
    const metadata: Metadata = {
      ...cur.metadata,
      version: cur.metadata.version + 1,
      labels: { ...m.labels },
      annotations: { ...m.annotations },
      updated: this.#now(),
    };
    return { old: cur, next: { metadata, spec: res.spec } };
  }

  planDestroy(p: Pointer, owner: string): Change {
    const cur = this.#owned(p, owner);
    if (cur.metadata.finalizers.length > 0) throw new PendingFinalizersError(p, cur.metadata.finalizers);
    return { old: cur, next: undefined };
  }

  /** Undefined when the resource is already tearing down. */
  planTeardown(p: Pointer, owner: string): Change | undefined {
    const cur = this.#owned(p, owner);
    if (cur.metadata.phase === Phase.TearingDown) return undefined;
    return this.#bump(cur, { phase: Phase.TearingDown });
  }

  /** Undefined when nothing changes (all present on add, all absent on remove). */
  planFinalizers(p: Pointer, options: { add: boolean; finalizers: readonly string[] }): Change | undefined {
    const cur = this.get(p);
    const have = cur.metadata.finalizers;
    if (options.add) {
      const missing = [...new Set(options.finalizers.filter((f) => !have.includes(f)))];
      if (missing.length === 0) return undefined;
      if (cur.metadata.phase !== Phase.Running) {
        throw new PhaseConflictError(p, `is tearing down; finalizers ${JSON.stringify(missing)} cannot be added`);
      }
      return this.#bump(cur, { finalizers: [...have, ...missing] });
    }
    const kept = have.filter((f) => !options.finalizers.includes(f));
    if (kept.length === have.length) return undefined;
    return this.#bump(cur, { finalizers: kept });
  }

  /** Applies a planned change and tells the watchers. The change's resources are frozen. */
  commit(change: Change): void {
    const target = change.next ?? change.old;
    if (target === undefined) return;
    const log = this.log(target.metadata);
    const { old, next } = change;
    if (next === undefined) {
      log.resources.delete(target.metadata.id);
      if (old !== undefined) log.append((revision) => ({ type: 'destroyed', resource: old, old, revision }));
      return;
    }
    deepFreeze(next);
    log.resources.set(next.metadata.id, next);
    if (old === undefined) log.append((revision) => ({ type: 'created', resource: next, revision }));
    else log.append((revision) => ({ type: 'updated', resource: next, old, revision }));
  }

  /** Puts a resource back as it was stored (durable reload): no event, no checks. */
  restore(res: Resource): void {
    this.log(res.metadata).resources.set(res.metadata.id, deepFreeze(res));
  }

  watch<S>(p: Pointer, options: WatchOptions = {}): Watcher<S> {
    const log = this.log(p);
    const filter = (ev: WatchEvent): boolean => 'resource' in ev && ev.resource.metadata.id === p.id;
    const initial = (): WatchEvent[] => {
      const cur = log.resources.get(p.id);
      return cur === undefined ? [] : [{ type: 'created', resource: cur, revision: log.revision }];
    };
    return this.#watch(log, { ...options, filter, initial, describe: formatPointer(p) });
  }

  watchKind<S>(kind: Kind, options: WatchKindOptions = {}): Watcher<S> {
    const log = this.log(kind);
    const query = {
      ...(options.labels && { labels: options.labels }),
      ...(options.idPattern && { idPattern: options.idPattern }),
    };
    const filter =
      options.labels === undefined && options.idPattern === undefined
        ? undefined
        : (ev: WatchEvent): boolean =>
            'resource' in ev && (matches(ev.resource, query) || (ev.type === 'updated' && matches(ev.old, query)));
    const initial = (): WatchEvent[] =>
      this.list(kind, query).map((resource) => ({ type: 'created', resource, revision: log.revision }));
    return this.#watch(log, { ...options, filter, initial, describe: `${kind.namespace}/${kind.type}` });
  }

  #watch<S>(
    log: KindLog,
    options: WatchOptions & {
      filter: ((ev: WatchEvent) => boolean) | undefined;
      initial: () => WatchEvent[];
      describe: string;
    },
  ): Watcher<S> {
    const { signal, filter, describe } = options;
    let cursor = log.revision;
    let initial: WatchEvent[] = [];
    if (options.bootstrap === true) {
      initial = [...options.initial(), { type: 'bootstrapped', revision: log.revision }];
    } else if (options.sinceRevision !== undefined) {
      const since = options.sinceRevision;
      if (!Number.isInteger(since) || since < log.oldest - 1 || since > log.revision) {
        const error = new WatchOverflowError(
          `watch of ${describe} from revision ${since}: the history keeps ${log.oldest}..${log.revision}; ` +
            `watch with bootstrap instead`,
        );
        return erroredWatcher(log, { error, signal });
      }
      cursor = since;
    } else if (options.tailEvents !== undefined && options.tailEvents > 0) {
      cursor = tailCursor(log, options.tailEvents, filter);
    }
    return new LogWatcher<S>(log, { initial, cursor, filter, signal, describe });
  }

  #owned(p: Pointer, owner: string): Resource {
    const cur = this.get(p);
    if (cur.metadata.owner !== owner) throw new OwnerConflictError(p, { owner: cur.metadata.owner, want: owner });
    return cur;
  }

  #bump(cur: Resource, patch: Partial<Pick<Metadata, 'phase' | 'finalizers'>>): Change {
    const metadata: Metadata = {
      ...cur.metadata,
      ...patch,
      version: cur.metadata.version + 1,
      updated: this.#now(),
    };
    return { old: cur, next: { metadata, spec: cur.spec } };
  }
}

function matches(res: Resource, query: { labels?: LabelQuery; idPattern?: RegExp }): boolean {
  if (query.idPattern !== undefined) {
    query.idPattern.lastIndex = 0; // a /g or /y pattern would otherwise carry state between resources
    if (!query.idPattern.test(res.metadata.id)) return false;
  }
  return matchLabels(res.metadata.labels, query.labels);
}

/** The cursor that delivers the last `count` matching changes still kept. */
function tailCursor(log: KindLog, count: number, filter: ((ev: WatchEvent) => boolean) | undefined): number {
  let cursor = log.revision;
  let found = 0;
  while (cursor >= log.oldest && found < count) {
    if (filter === undefined || filter(log.at(cursor))) found++;
    cursor--;
  }
  return cursor;
}
