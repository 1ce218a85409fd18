// The JSONPath subset that printed columns use (`{.spec.field}`, `{.list[0].name}`, `{.map["a.b"]}`),
// compiled once into a getter.

export type Getter = (value: unknown) => unknown;

export interface JsonPathError {
  readonly path: string;
  readonly offset: number;
  readonly message: string;
}

type Step = string | number;

/** Compiles a path; a malformed one is returned as a value with the offset of the fault. */
export function compileJsonPath(path: string): { getter: Getter } | { error: JsonPathError } {
  const body = path.startsWith('{') && path.endsWith('}') ? path.slice(1, -1) : path;
  const base = body === path ? 0 : 1;
  const steps: Step[] = [];
  let i = 0;
  const fail = (message: string) => ({ error: { path, offset: base + i, message } });
  while (i < body.length) {
    const c = body[i];
    if (c === '.') {
      const m = /^[A-Za-z_$][\w$-]*/.exec(body.slice(i + 1));
      if (m === null) return fail('expected a field name after "."');
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const m = /^\[(?:(\d+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\]/.exec(body.slice(i));
      if (m === null) return fail('expected [INDEX], ["key"] or [\'key\']');
      if (m[1] !== undefined) steps.push(Number(m[1]));
      else if (m[2] !== undefined) steps.push(JSON.parse(`"${m[2]}"`) as string);
      else steps.push(m[3] ?? '');
      i += m[0].length;
    } else {
      return fail(`unexpected ${JSON.stringify(c)}; a path looks like {.field.sub[0]}`);
    }
  }
  return { getter: (value) => walk(value, steps) };
}

function walk(value: unknown, steps: readonly Step[]): unknown {
  let cur = value;
  for (const s of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof s === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = (cur as unknown[])[s];
    } else {
      if (!Object.hasOwn(cur, s)) return undefined;
      cur = (cur as Record<string, unknown>)[s];
    }
  }
  return cur;
}

/** How a column value prints: strings as they are, nothing as "", anything else as JSON. */
export function formatColumnValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}
