import type { Schema } from '../schema/builder.ts';

/**
 * A multi-document kind: its `apiVersion` and `kind`, whether documents carry a `name` (named
 * kinds may appear several times with distinct names, unnamed ones once), and its schema.
 */
export interface KindDefinition<T = unknown> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly named: boolean;
  readonly schema: Schema<T>;
}

export function defineKind<T>(def: KindDefinition<T>): KindDefinition<T> {
  return def;
}
