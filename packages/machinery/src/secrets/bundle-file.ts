import { readFile } from 'node:fs/promises';
import { parseSecretsBundle, serializeSecretsBundle } from './bundle-codec.ts';
import { writeFileAtomic, type WriteOptions } from './output-files.ts';
import type { SecretsBundle } from './secrets-bundle.ts';

/** Reads and strictly parses a secrets bundle file (see parseSecretsBundle). */
export async function loadSecretsBundle(path: string, options: { signal?: AbortSignal } = {}): Promise<SecretsBundle> {
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    throw new Error(`failed to read secrets bundle ${path}`, { cause: err });
  }
  return parseSecretsBundle(text, path);
}

/** Writes a bundle with mode 0600, atomically; refuses to replace a file unless `force`. */
export async function saveSecretsBundle(
  path: string,
  bundle: SecretsBundle,
  options: WriteOptions = {},
): Promise<void> {
  await writeFileAtomic({ path, data: serializeSecretsBundle(bundle), mode: 0o600 }, options);
}
