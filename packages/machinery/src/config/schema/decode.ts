// Strict decoding of a yaml node tree against a schema. Structure mistakes (unknown fields, wrong
// types, bad enum values) are fatal; content checks (CIDR, URL, PEM...) are reported as errors or
// warnings but still give a value, so validation can show all of them at once.
import { type Document, type Node, type Pair, isAlias, isMap, isScalar, isSeq } from 'yaml';
import { type ConfigPath, describeValue } from '../issue.ts';
import type { IntNode, MapNode, ObjectNode, SchemaNode } from './builder.ts';
import type { IssueCollector } from './collector.ts';

const maxDepth = 64;

const maxNodes = 200_000;

interface Ctx {
  readonly doc: Document;
  readonly out: IssueCollector;
  /** Nodes visited so far: aliases can make a small text expand without bound. */
  visited: number;
}

export function decodeNode(node: unknown, schema: SchemaNode, opts: { doc: Document; out: IssueCollector }): unknown {
  return decode(node, schema, [], { ...opts, visited: 0 }, 0);
}

function decode(raw: unknown, schema: SchemaNode, path: ConfigPath, ctx: Ctx, depth: number): unknown {
  if (depth > maxDepth || ++ctx.visited > maxNodes) {
    const why =
      depth > maxDepth ? `nesting deeper than ${String(maxDepth)} levels` : `more than ${String(maxNodes)} values`;
    if (ctx.visited !== Infinity)
      ctx.out.add('fatal', { code: 'invalid-value', path, message: `${why} (aliases expanding?)` });
    ctx.visited = Infinity;
    return undefined;
  }
  const node = resolve(raw, ctx);
  if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
  switch (schema.kind) {
    case 'any':
      return toPlain(node, path, ctx);
    case 'string':
      return decodeString(node, schema.check, path, ctx);
    case 'int':
      return decodeInt(node, schema, path, ctx);
    case 'bool':
      return decodeBool(node, path, ctx);
    case 'enum': {
      const s = scalarText(node);
      if (s !== undefined && schema.values.includes(s)) return s;
      const allowed = `must be one of ${schema.values.map((v) => JSON.stringify(v)).join(', ')}`;
      if (s === undefined) return wrong(node, path, ctx, allowed);
      ctx.out.add('fatal', { code: 'invalid-value', path, at: node, message: allowed, value: describeValue(s) });
      return undefined;
    }
    case 'array': {
      if (!isSeq(node)) return wrong(node, path, ctx, 'expected a list');
      const items: unknown[] = [];
      node.items.forEach((item, i) => {
        const v = decode(item, schema.item, [...path, i], ctx, depth + 1);
        if (v !== undefined) items.push(v);
      });
      return items;
    }
    case 'map':
      return decodeMap(node, schema, path, ctx, depth);
    case 'object':
      return decodeObject(node, schema, path, ctx, depth);
    case 'oneOf': {
      const pick = schema.options.find((o) => accepts(o, node)) ?? schema.options[0];
      return pick === undefined ? undefined : decode(node, pick, path, ctx, depth);
    }
  }
}

function resolve(raw: unknown, ctx: Ctx): Node | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (isAlias(raw)) return resolve(raw.resolve(ctx.doc), ctx);
  return raw as Node;
}

function accepts(schema: SchemaNode, node: Node): boolean {
  switch (schema.kind) {
    case 'array':
      return isSeq(node);
    case 'map':
    case 'object':
      return isMap(node);
    case 'any':
      return true;
    case 'oneOf':
      return schema.options.some((o) => accepts(o, node));
    case 'int':
      return isScalar(node) && typeof node.value === 'number';
    case 'bool':
    case 'enum':
    case 'string':
      return isScalar(node);
  }
}

function scalarText(node: Node): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (typeof node.value === 'number' || typeof node.value === 'boolean' || typeof node.value === 'bigint')
    return node.source ?? String(node.value);
  return undefined;
}

function kindOf(node: Node): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return typeof node.value === 'string' ? 'a string' : `a ${typeof node.value}`;
  return 'an unsupported node';
}

function shown(node: Node): string {
  if (isScalar(node)) return describeValue(node.value);
  return isMap(node) ? '{...}' : '[...]';
}

function wrong(node: Node, path: ConfigPath, ctx: Ctx, message: string): unknown {
  ctx.out.add('fatal', {
    code: 'wrong-type',
    path,
    at: node,
    message: `${message}, got ${kindOf(node)}`,
    value: shown(node),
  });
  return undefined;
}

function decodeString(node: Node, check: ((v: string) => unknown) | undefined, path: ConfigPath, ctx: Ctx): unknown {
  const s = scalarText(node);
  if (s === undefined) return wrong(node, path, ctx, 'expected a string');
  if (check !== undefined) {
    const problem = check(s);
    if (typeof problem === 'string')
      ctx.out.add('error', { code: 'invalid-value', path, at: node, message: problem, value: describeValue(s) });
    else if (typeof problem === 'object' && problem !== null && 'warning' in problem)
      ctx.out.add('warning', {
        code: 'invalid-value',
        path,
        at: node,
        message: String(problem.warning),
        value: describeValue(s),
      });
  }
  return s;
}

function decodeInt(node: Node, schema: IntNode, path: ConfigPath, ctx: Ctx): unknown {
  if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value))
    return wrong(node, path, ctx, 'expected an integer');
  let n = node.value;
  if (schema.octal === true && node.source !== undefined && /^0[0-7]+$/.test(node.source)) n = parseInt(node.source, 8);
  if ((schema.min !== undefined && n < schema.min) || (schema.max !== undefined && n > schema.max)) {
    const range = `${String(schema.min ?? '-inf')} to ${String(schema.max ?? 'inf')}`;
    ctx.out.add('error', {
      code: 'invalid-value',
      path,
      at: node,
      message: `out of range: must be ${range}`,
      value: String(n),
    });
  }
  return n;
}

const truthy = new Set(['true', 'yes', 'on', 'y']);
const falsy = new Set(['false', 'no', 'off', 'n']);

function decodeBool(node: Node, path: ConfigPath, ctx: Ctx): unknown {
  if (isScalar(node)) {
    if (typeof node.value === 'boolean') return node.value;
    if (typeof node.value === 'string') {
      const low = node.value.toLowerCase();
      if (truthy.has(low)) return true;
      if (falsy.has(low)) return false;
    }
  }
  return wrong(node, path, ctx, 'expected true or false');
}

/** Yields (key, value) of a mapping, reporting keys that are not plain strings. */
function* entries(node: Node, path: ConfigPath, ctx: Ctx): Generator<[string, Pair]> {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const key = resolve(pair.key, ctx);
    const name = key === undefined ? undefined : scalarText(key);
    if (name === undefined) {
      ctx.out.add('fatal', { code: 'wrong-type', path, at: key, message: 'mapping keys must be strings' });
      continue;
    }
    yield [name, pair];
  }
}

function decodeMap(node: Node, schema: MapNode, path: ConfigPath, ctx: Ctx, depth: number): unknown {
  if (!isMap(node)) return wrong(node, path, ctx, 'expected a mapping');
  const out: Record<string, unknown> = {};
  for (const [name, pair] of entries(node, path, ctx)) {
    const problem = schema.checkKey?.(name);
    if (typeof problem === 'string')
      ctx.out.add('error', {
        code: 'invalid-value',
        path: [...path, name],
        at: pair.key as Node,
        message: problem,
        value: describeValue(name),
      });
    const v = decode(pair.value, schema.value, [...path, name], ctx, depth + 1);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function decodeObject(node: Node, schema: ObjectNode, path: ConfigPath, ctx: Ctx, depth: number): unknown {
  if (!isMap(node)) return wrong(node, path, ctx, 'expected a mapping');
  const out: Record<string, unknown> = {};
  for (const [name, pair] of entries(node, path, ctx)) {
    const field = Object.hasOwn(schema.fields, name) ? schema.fields[name] : undefined;
    if (field === undefined) {
      ctx.out.add('fatal', {
        code: 'unknown-field',
        path: [...path, name],
        at: pair.key as Node,
        message: unknownFieldMessage(name, Object.keys(schema.fields)),
        value: describeValue(name),
      });
      continue;
    }
    const v = decode(pair.value, field, [...path, name], ctx, depth + 1);
    if (v !== undefined) out[name] = v;
  }
  for (const name of schema.required ?? []) {
    if (out[name] === undefined)
      ctx.out.add('fatal', {
        code: 'missing-field',
        path: [...path, name],
        at: node,
        message: `the field ${name} is required`,
      });
  }
  return out;
}

function toPlain(node: Node, path: ConfigPath, ctx: Ctx): unknown {
  try {
    return node.toJS(ctx.doc, { maxAliasCount: 100 });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    ctx.out.add('fatal', { code: 'invalid-value', path, at: node, message: `cannot read this value: ${why}` });
    return undefined;
  }
}

function unknownFieldMessage(name: string, known: readonly string[]): string {
  const near = known.filter(
    (k) => distance(k.toLowerCase(), name.toLowerCase()) <= Math.max(1, Math.floor(k.length / 4)),
  );
  const hint = near.length > 0 ? ` (did you mean ${near.map((k) => JSON.stringify(k)).join(' or ')}?)` : '';
  return `unknown field "${name}"${hint}: remove it or fix its spelling`;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 99;
}
