import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigBundle } from '../bundle.ts';
import { loadConfig } from '../load.ts';

/** The text of a fixture in this directory. */
export function fixture(name: string): string {
  return readFileSync(join(import.meta.dirname, name), 'utf8');
}

/** Loads text that must load; fails the test with the issues otherwise. */
export function mustLoad(text: string, source = 'test.yaml'): ConfigBundle {
  const r = loadConfig(text, { source });
  if (r.config === undefined) throw new Error(`config did not load: ${JSON.stringify(r.errors, null, 2)}`);
  return r.config;
}
