import type { LineCounter } from 'yaml';
import type { SourceDocument } from './config-documents.ts';

/** A strategic merge patch: one or more partial config documents. */
export interface StrategicPatch {
  readonly kind: 'strategic';
  /** Where the patch came from (a file name or "inline patch N"), for messages. */
  readonly source: string;
  readonly lines: LineCounter;
  readonly documents: readonly SourceDocument[];
}

export const JsonPatchOps = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;
export type JsonPatchOp = (typeof JsonPatchOps)[number];

/** One RFC 6902 operation; `position` is `source:line:column` of the operation in the patch. */
export interface JsonPatchOperation {
  readonly op: JsonPatchOp;
  readonly path: string;
  readonly from?: string;
  /** Present for add, replace and test (the value may itself be null). */
  readonly value?: { readonly data: unknown };
  readonly position: string;
}

/** An RFC 6902 JSON patch: a list of operations, for single-document configs. */
export interface JsonPatch {
  readonly kind: 'json6902';
  readonly source: string;
  readonly operations: readonly JsonPatchOperation[];
}

export type ConfigPatch = StrategicPatch | JsonPatch;
