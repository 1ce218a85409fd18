// The JSONPath subset that printed columns use (`{.spec.field}`, `{.list[0].name}`, `{.map["a.b"]}`,
// `{.list[*].name}` or `{.list[:]}` for every element), compiled once into a getter.

export type Getter = (value: unknown) => unknown;

export interface JsonPathError {
  readonly path: string;
  readonly offset: number;
  readonly message: string;
}

const all = Symbol('all');
type Step = string | number | typeof all;

/**
 * Compiles a path; a malformed one is returned as a value with the offset of the fault. `multiple`
 * is true when the path takes every element of a list (its getter then returns a list).
 */
export function compileJsonPath(path: string): { getter: Getter; multiple: boolean } | { error: JsonPathError } {
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
      const m = /^\[(?:(\d+)|"((?:[^"\\]|\\.)*)"|'([^']*)'|(\*|:))\]/.exec(body.slice(i));
      if (m === null) return fail('expected [INDEX], [*], [:], ["key"] or [\'key\']');
      if (m[4] !== undefined) steps.push(all);
      else if (m[1] !== undefined) steps.push(Number(m[1]));
      else if (m[2] !== undefined) steps.push(JSON.parse(`"${m[2]}"`) as string);
      else steps.push(m[3] ?? '');
      i += m[0].length;
    } else {
      return fail(`unexpected ${JSON.stringify(c)}; a path looks like {.field.sub[0]}`);
    }
  }
  return { getter: (value) => walk(value, steps), multiple: steps.includes(all) };
}

function walk(value: unknown, steps: readonly Step[]): unknown {
  let cur = value;
  for (const [i, s] of steps.entries()) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (s === all) {
      if (!Array.isArray(cur)) return undefined;
      const rest = steps.slice(i + 1);
      return (cur as unknown[]).flatMap((v) => {
        const got = walk(v, rest);
        return got === undefined ? [] : rest.includes(all) ? got : [got];
      });
    }
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

/** How a column value prints: strings as they are, nothing as "", every-element lists space-separated, else JSON. */
export function formatColumnValue(value: unknown, options: { multiple?: boolean } = {}): string {
  if (options.multiple === true && Array.isArray(value)) return value.map((v) => formatColumnValue(v)).join(' ');
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}
