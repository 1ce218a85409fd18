import type { LineCounter } from 'yaml';
import { type ConfigIssue, type ConfigPath, type DocumentRef, type IssueCode, formatPath } from '../issue.ts';

/** Something with a source range, as yaml nodes have. */
export interface Ranged {
  readonly range?: readonly [number, number, number] | null | undefined;
}

export type Severity = 'fatal' | 'error' | 'warning';

export interface IssueAt {
  readonly code: IssueCode;
  readonly path: ConfigPath;
  readonly message: string;
  readonly at?: Ranged | undefined;
  readonly value?: string | undefined;
}

/**
 * Gathers issues for one document with their positions. `fatal` issues stop the config from
 * loading (wrong structure); `errors` and `warnings` are content problems found by checks.
 */
export class IssueCollector {
  readonly fatal: ConfigIssue[] = [];
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  readonly #source: string;
  readonly #lines: LineCounter | undefined;
  #doc: DocumentRef | undefined;

  constructor(source: string, opts: { lines?: LineCounter | undefined; document?: DocumentRef } = {}) {
    this.#source = source;
    this.#lines = opts.lines;
    this.#doc = opts.document;
  }

  set document(ref: DocumentRef) {
    this.#doc = ref;
  }

  add(severity: Severity, issue: IssueAt): void {
    const out: ConfigIssue = {
      code: issue.code,
      message: issue.message,
      source: this.#source,
      path: formatPath(issue.path),
      ...(this.#doc === undefined ? {} : { document: this.#doc }),
      ...this.position(issue.at?.range?.[0]),
      ...(issue.value === undefined ? {} : { value: issue.value }),
    };
    const list = severity === 'fatal' ? this.fatal : severity === 'error' ? this.errors : this.warnings;
    list.push(out);
  }

  position(offset: number | undefined): { line?: number; column?: number } {
    if (offset === undefined || this.#lines === undefined) return {};
    const pos = this.#lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
}
