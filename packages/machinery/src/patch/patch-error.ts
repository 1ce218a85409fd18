import type { LineCounter, Node } from 'yaml';

/** Why a patch could not be loaded or applied. */
export const PatchErrorCode = {
  /** The patch text is not valid YAML/JSON, or not a patch. */
  Malformed: 'malformed',
  /** The config the patch applies to is not valid YAML or has ambiguous documents. */
  BadConfig: 'bad-config',
  /** A JSON patch operation failed (missing path, failed test, ...). */
  OperationFailed: 'operation-failed',
  /** The patch kind does not fit this config (a JSON patch on a multi-document config). */
  Unsupported: 'unsupported',
  /** A patch file could not be read. */
  Unreadable: 'unreadable',
} as const;
export type PatchErrorCode = (typeof PatchErrorCode)[keyof typeof PatchErrorCode];

/** A patch that cannot be loaded or applied; the message names the source and, when known, line:column. */
export class PatchError extends Error {
  override readonly name = 'PatchError';
  readonly code: PatchErrorCode;

  constructor(code: PatchErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export function isPatchError(err: unknown): err is PatchError {
  return err instanceof Error && err.name === 'PatchError';
}

/** Where a node sits in its source, as `source:line:column` (or just `source` when unknown). */
export function positionOf(source: string, node: Node | null | undefined, lines: LineCounter | undefined): string {
  const offset = node?.range?.[0];
  if (offset === undefined || lines === undefined) return source;
  const { line, col } = lines.linePos(offset);
  return `${source}:${line}:${col}`;
}
