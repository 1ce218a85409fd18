import type { ConfigPath } from '../issue.ts';
import type { Findings } from './findings.ts';
import { type PairRules, checkPair } from './pki.ts';

/** Reports the problems of a certificate/key pair at `path` (crt and key below it). */
export function reportPair(
  found: Findings,
  at: { doc: number; path: ConfigPath },
  pair: { crt?: string; key?: string } | undefined,
  rules: PairRules,
): void {
  for (const p of checkPair(pair, rules)) {
    const path = pair === undefined ? at.path : [...at.path, p.field];
    if (p.severity === 'error') found.error(at.doc, path, p.message, { code: p.code });
    else found.warn(at.doc, path, p.message, { code: p.code });
  }
}
