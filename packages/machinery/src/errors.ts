/**
 * Renders an error and its `cause` chain as `outer: inner: innermost`, the way the CLI and the
 * logs print failures. Repeated messages (a wrapper that copies its cause's text) are shown once.
 */
export function formatErrorChain(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur !== undefined && cur !== null && !seen.has(cur)) {
    seen.add(cur);
    if (cur instanceof Error) {
      const msg = cur instanceof AggregateError && cur.message === '' ? aggregateText(cur) : cur.message;
      if (msg !== '' && parts.at(-1) !== msg) parts.push(msg);
      cur = cur.cause;
    } else {
      parts.push(describe(cur));
      cur = undefined;
    }
  }
  return parts.length > 0 ? parts.join(': ') : 'unknown error';
}

function aggregateText(err: AggregateError): string {
  return err.errors.map((e) => formatErrorChain(e)).join('; ');
}

function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return value.toString();
    case 'function':
      return `[function ${value.name}]`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return JSON.stringify(value);
  }
}
