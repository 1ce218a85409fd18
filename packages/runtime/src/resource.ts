// A resource is metadata (where it lives, its version and lifecycle) plus a typed spec. The shape
// maps one to one onto COSI's resource metadata, so the API can serve it unchanged.

export const Phase = { Running: 'running', TearingDown: 'tearingDown' } as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** A kind of resource: one type in one namespace (COSI's `resource.Kind`). */
export interface Kind {
  readonly namespace: string;
  readonly type: string;
}

/** One resource: its kind and id. */
export interface Pointer extends Kind {
  readonly id: string;
}

export interface Metadata extends Pointer {
  /** Starts at 1 on create and grows by one on every change; restarts if the resource is re-created. */
  readonly version: number;
  /** The controller that manages the resource, or "" for resources users create. */
  readonly owner: string;
  readonly phase: Phase;
  readonly finalizers: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch. */
  readonly created: number;
  readonly updated: number;
}

/** Resources read from a state are deeply frozen: copy the spec (`copySpec`) to change it. */
export interface Resource<S = unknown> {
  readonly metadata: Metadata;
  readonly spec: S;
}

export interface NewResourceOptions {
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
}

/** A resource ready for `State.create` (version 0; the state sets version, owner and times). */
export function newResource<S>(pointer: Pointer, spec: S, options: NewResourceOptions = {}): Resource<S> {
  return {
    metadata: {
      namespace: pointer.namespace,
      type: pointer.type,
      id: pointer.id,
      version: 0,
      owner: '',
      phase: Phase.Running,
      finalizers: [],
      labels: options.labels ?? {},
      annotations: options.annotations ?? {},
      created: 0,
      updated: 0,
    },
    spec,
  };
}

/** The same resource (and version, for an update) with another spec and optionally other labels. */
export function withSpec<S>(res: Resource<S>, spec: S, options: NewResourceOptions = {}): Resource<S> {
  const metadata = { ...res.metadata };
  if (options.labels !== undefined) metadata.labels = options.labels;
  if (options.annotations !== undefined) metadata.annotations = options.annotations;
  return { metadata, spec };
}

/** A mutable deep copy of a spec. */
export function copySpec<S>(spec: S): S {
  return structuredClone(spec);
}

export function pointerOf(p: Pointer): Pointer {
  return { namespace: p.namespace, type: p.type, id: p.id };
}

export function kindKey(k: Kind): string {
  return `${k.namespace}\u0000${k.type}`;
}

export function pointerKey(p: Pointer): string {
  return `${p.namespace}\u0000${p.type}\u0000${p.id}`;
}

export function formatPointer(p: Pointer): string {
  return `${p.namespace}/${p.type}/${p.id}`;
}

/** Freezes a value and everything reachable from it (typed arrays cannot be frozen; they are skipped). */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const v of value as unknown[]) deepFreeze(v);
  } else {
    for (const k in value) deepFreeze((value as Record<string, unknown>)[k]);
  }
  return value;
}

/** Structural equality of plain data (objects, arrays, primitives, typed arrays, dates). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) return bytesEqual(a, b);
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  if (ka.length !== Object.keys(b).length) return false;
  const ra = a as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k]));
}

function bytesEqual(a: object, b: object): boolean {
  if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}
