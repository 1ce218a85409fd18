import type { ConfigBundle } from '../bundle.ts';
import { V1Alpha1Kind } from '../document.ts';
import type { ConfigIssue, ValidationResult } from '../issue.ts';
import type { V1Alpha1Config } from '../v1alpha1/config.ts';
import { checkCluster } from './cluster-rules.ts';
import { checkDocuments } from './document-rules.ts';
import { Findings } from './findings.ts';
import { checkMachine } from './machine-rules.ts';
import type { ValidationMode } from './mode.ts';

export interface ValidateOptions {
  readonly mode: ValidationMode;
  /** Report warnings as errors. */
  readonly strict?: boolean;
}

/**
 * Checks a loaded config for what users get wrong: formats (CIDRs, URLs, tokens, PEM blocks),
 * required secrets per machine type, certificate/key pairs, install disk per mode, conflicts
 * between documents. Never throws; the outcome is `{ errors, warnings }`.
 */
export function validateConfig(bundle: ConfigBundle, opts: ValidateOptions): ValidationResult {
  const found = new Findings(bundle);
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  for (const doc of bundle.documents) {
    errors.push(...doc.errors);
    warnings.push(...doc.warnings);
  }
  checkDocuments(found, bundle);
  const main = bundle.find(V1Alpha1Kind);
  if (main !== undefined) {
    const cfg = main.value as V1Alpha1Config;
    const ctx = { mode: opts.mode, kinds: new Set(bundle.documents.map((d) => d.kind)) };
    checkMachine(found, main.ref.index, cfg, ctx);
    checkCluster(found, main.ref.index, cfg, ctx);
  }
  errors.push(...found.errors);
  warnings.push(...found.warnings);
  const byLine = (a: ConfigIssue, b: ConfigIssue): number =>
    (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  if (opts.strict === true) return { errors: [...errors, ...warnings].sort(byLine), warnings: [] };
  return { errors: errors.sort(byLine), warnings: warnings.sort(byLine) };
}
