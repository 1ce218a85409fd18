// Resources and label queries between the runtime's shapes and COSI's wire messages. Specs travel
// as `yaml_spec` as Talos sends them (a string spec, the machine config, as itself).
import type { LabelQuery, LabelTerm, Resource } from '@bronze/runtime';
import { stringify } from 'yaml';
import type { cosiResourceApi } from '@bronze/machinery';
import { ApiError } from '@bronze/machinery';

type WireResource = Omit<cosiResourceApi.Resource, '$typeName' | 'metadata' | 'spec'> & {
  metadata: Omit<cosiResourceApi.Metadata, '$typeName' | 'created' | 'updated'> & {
    created: { seconds: bigint; nanos: number };
    updated: { seconds: bigint; nanos: number };
  };
  spec: { yamlSpec: string; protoSpec: Uint8Array };
};

function timestamp(ms: number): { seconds: bigint; nanos: number } {
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export function yamlSpecOf(spec: unknown): string {
  return typeof spec === 'string' ? spec : stringify(spec, { lineWidth: 0 });
}

export function toWireResource(res: Resource): WireResource {
  const m = res.metadata;
  return {
    metadata: {
      namespace: m.namespace,
      type: m.type,
      id: m.id,
      version: String(m.version),
      owner: m.owner,
      phase: m.phase === 'tearingDown' ? 'tearingDown' : 'running',
      created: timestamp(m.created),
      updated: timestamp(m.updated),
      finalizers: [...m.finalizers],
      annotations: { ...m.annotations },
      labels: { ...m.labels },
    },
    spec: { yamlSpec: yamlSpecOf(res.spec), protoSpec: new Uint8Array() },
  };
}

// cosi.resource.LabelTerm.Operation numbers.
const ops: Readonly<Partial<Record<number, LabelTerm['op']>>> = {
  0: 'exists',
  1: 'equal',
  2: 'not-exists',
  3: 'in',
  4: 'lt',
  5: 'lte',
  6: 'lt-numeric',
  7: 'lte-numeric',
};

export function fromWireLabelQuery(queries: readonly cosiResourceApi.LabelQuery[]): LabelQuery | undefined {
  const terms = queries.flatMap((q) => q.terms);
  if (terms.length === 0) return undefined;
  return terms.map((t): LabelTerm => {
    const op = ops[t.op];
    const invert = t.invert;
    if (op === undefined || op === 'not-equal' || op === 'not-in') {
      throw new ApiError('invalid-argument', `label term on "${t.key}": unknown operation ${String(t.op)}`);
    }
    switch (op) {
      case 'exists':
      case 'not-exists':
        return { key: t.key, op, invert };
      case 'in':
        return { key: t.key, op, values: t.value, invert };
      case 'equal':
      case 'lt':
      case 'lte':
      case 'lt-numeric':
      case 'lte-numeric':
        return { key: t.key, op, value: t.value[0] ?? '', invert };
    }
  });
}

export function fromWireIdQuery(query: cosiResourceApi.IDQuery | undefined): RegExp | undefined {
  if (query === undefined || query.regexp === '') return undefined;
  try {
    return new RegExp(query.regexp);
  } catch (err) {
    throw new ApiError(
      'invalid-argument',
      `id query ${JSON.stringify(query.regexp)} is not a valid regular expression`,
      {
        cause: err,
      },
    );
  }
}

/** A watch bookmark: the kind revision, 8 bytes big-endian. */
export function encodeBookmark(revision: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(revision));
  return b;
}

export function decodeBookmark(bytes: Uint8Array): number {
  if (bytes.byteLength !== 8)
    throw new ApiError('invalid-argument', `a watch bookmark is 8 bytes; got ${String(bytes.byteLength)}`);
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0));
}
