// How the durable backend stores a resource: JSON, with byte arrays as {"$bytes": base64}.
import type { Resource } from './resource.ts';

export function encodeResource(res: Resource): string {
  return JSON.stringify(res, (_key, value: unknown) =>
    value instanceof Uint8Array ? { $bytes: Buffer.from(value).toString('base64') } : value,
  );
}

/** Parses a stored resource; throws with what is wrong when the text is not one. */
export function decodeResource(text: string): Resource {
  const value = JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const b64 = (v as { $bytes?: unknown }).$bytes;
      if (keys.length === 1 && typeof b64 === 'string') return new Uint8Array(Buffer.from(b64, 'base64'));
    }
    return v;
  }) as unknown;
  if (typeof value !== 'object' || value === null || !('metadata' in value) || !('spec' in value)) {
    throw new Error('not a stored resource (want an object with metadata and spec)');
  }
  const m = value.metadata as Record<string, unknown> | null;
  for (const field of ['namespace', 'type', 'id', 'owner', 'phase'] as const) {
    if (typeof m?.[field] !== 'string') throw new Error(`metadata.${field} is not a string`);
  }
  for (const field of ['version', 'created', 'updated'] as const) {
    if (typeof m?.[field] !== 'number') throw new Error(`metadata.${field} is not a number`);
  }
  if (!Array.isArray(m?.['finalizers'])) throw new Error('metadata.finalizers is not a list');
  return value as Resource;
}
