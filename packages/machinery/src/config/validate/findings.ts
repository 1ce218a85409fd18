import type { ConfigBundle } from '../bundle.ts';
import { nodeAt } from '../document.ts';
import { type ConfigIssue, type ConfigPath, type IssueCode, describeValue, formatPath } from '../issue.ts';
import { isScalar } from 'yaml';

export interface FindingOptions {
  readonly code?: IssueCode;
  /** Shown as the offending value; by default the value found at the path, if any. */
  readonly value?: unknown;
}

/** Collects validation issues for a bundle, each positioned at its path in the source. */
export class Findings {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  readonly #bundle: ConfigBundle;

  constructor(bundle: ConfigBundle) {
    this.#bundle = bundle;
  }

  error(doc: number, path: ConfigPath, message: string, opts: FindingOptions = {}): void {
    this.errors.push(this.#issue(doc, path, message, opts));
  }

  warn(doc: number, path: ConfigPath, message: string, opts: FindingOptions = {}): void {
    this.warnings.push(this.#issue(doc, path, message, opts));
  }

  #issue(index: number, path: ConfigPath, message: string, opts: FindingOptions): ConfigIssue {
    const doc = this.#bundle.documents[index];
    const loc = this.#bundle.locate(index, path);
    let value: string | undefined;
    if ('value' in opts) value = describeValue(opts.value);
    else if (doc !== undefined && loc.exact) {
      const { node } = nodeAt(doc.yaml, path);
      if (isScalar(node)) value = describeValue(node.value);
    }
    return {
      code: opts.code ?? 'invalid-value',
      message,
      source: this.#bundle.source,
      path: formatPath(path),
      ...(doc === undefined ? {} : { document: doc.ref }),
      ...(loc.line === undefined ? {} : { line: loc.line, column: loc.column ?? 1 }),
      ...(value === undefined ? {} : { value }),
    };
  }
}
