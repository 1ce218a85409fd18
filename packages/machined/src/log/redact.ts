// Redaction for structured log fields: whatever is named like a secret never reaches a log line,
// whatever its depth; PEM private keys are cut out of string values too.

/** Field names whose values are never logged. */
const secretName = /key|token|secret|passw|credential|private|cookie|authorization/i;
const pemPrivateKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const maxDepth = 8;

export const Redacted = '[redacted]';

/** Whether a field of this name holds a secret. */
export function isSecretFieldName(name: string): boolean {
  return secretName.test(name);
}

/**
 * A JSON-safe copy of `value` with secret-named fields replaced by `[redacted]`, errors turned into
 * `{ name, message, cause }`, bigints into strings and cycles cut.
 */
export function redact(value: unknown): unknown {
  return redactAt(value, 0, new WeakSet());
}

function redactAt(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return value.replace(pemPrivateKey, Redacted);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return String(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[cycle]';
  if (depth >= maxDepth) return '[too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) return redactError(value, depth, seen);
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
    if (Array.isArray(value)) return value.map((v: unknown) => redactAt(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretFieldName(k) ? Redacted : redactAt(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function redactError(err: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: redactAt(err.message, depth, seen) };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out['code'] = code;
  if (err.cause !== undefined) out['cause'] = redactAt(err.cause, depth + 1, seen);
  return out;
}
