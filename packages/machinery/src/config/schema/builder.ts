// A small declarative schema language. One description of a document drives strict decoding
// (unknown fields and wrong types are errors, with positions), format checks (CIDRs, URLs, PEM
// blocks) and, through Infer, the TypeScript type of the decoded value.

/** A content check: returns what is wrong (an error, or a warning) or undefined when fine. */
export type Problem = string | { readonly warning: string };
export type Check<T> = (value: T) => Problem | undefined;

interface Common {
  /** Set on fields Talos keeps for old configs: the replacement, shown by tooling. */
  readonly deprecated?: string;
}

export interface StringNode extends Common {
  readonly kind: 'string';
  readonly check?: Check<string>;
}
export interface IntNode extends Common {
  readonly kind: 'int';
  readonly min?: number;
  readonly max?: number;
  /** Read a leading-zero literal (0644) as octal, the way Go's YAML decoder reads file modes. */
  readonly octal?: boolean;
}
export interface BoolNode extends Common {
  readonly kind: 'bool';
}
export interface EnumNode extends Common {
  readonly kind: 'enum';
  readonly values: readonly string[];
}
export interface ArrayNode extends Common {
  readonly kind: 'array';
  readonly item: SchemaNode;
}
export interface MapNode extends Common {
  readonly kind: 'map';
  readonly value: SchemaNode;
  readonly checkKey?: Check<string>;
}
export interface ObjectNode extends Common {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
}
/** Free-form YAML (Kubernetes objects, extra config): kept as plain data. */
export interface AnyNode extends Common {
  readonly kind: 'any';
}
/** A value with several accepted shapes, chosen by the YAML node: scalar, sequence or mapping. */
export interface OneOfNode extends Common {
  readonly kind: 'oneOf';
  readonly options: readonly SchemaNode[];
}

export type SchemaNode =
  StringNode | IntNode | BoolNode | EnumNode | ArrayNode | MapNode | ObjectNode | AnyNode | OneOfNode;

/** A schema node that also carries the TypeScript type of what it decodes to. */
export type Schema<T> = SchemaNode & { readonly __type?: T };
export type Infer<S> = S extends { readonly __type?: infer T } ? Exclude<T, undefined> : never;

type Fields = Readonly<Record<string, Schema<unknown>>>;
type ObjectOf<F extends Fields> = { -readonly [K in keyof F]?: Infer<F[K]> };

export function string(check?: Check<string>): Schema<string> {
  return check === undefined ? { kind: 'string' } : { kind: 'string', check };
}

export function int(opts: { min?: number; max?: number; octal?: boolean } = {}): Schema<number> {
  return { kind: 'int', ...opts };
}

export function bool(): Schema<boolean> {
  return { kind: 'bool' };
}

export function enumOf<const V extends string>(values: readonly V[]): Schema<V> {
  return { kind: 'enum', values };
}

export function array<T>(item: Schema<T>): Schema<T[]> {
  return { kind: 'array', item };
}

export function map<T>(value: Schema<T>, checkKey?: Check<string>): Schema<Record<string, T>> {
  return checkKey === undefined ? { kind: 'map', value } : { kind: 'map', value, checkKey };
}

export function object<const F extends Fields>(
  fields: F,
  opts: { required?: readonly (keyof F & string)[] } = {},
): Schema<ObjectOf<F>> {
  return opts.required === undefined ? { kind: 'object', fields } : { kind: 'object', fields, required: opts.required };
}

export function unstructured(): Schema<unknown> {
  return { kind: 'any' };
}

export function oneOf<A, B>(a: Schema<A>, b: Schema<B>): Schema<A | B> {
  return { kind: 'oneOf', options: [a, b] };
}

/** Marks a field Talos keeps only for existing configs; `replacement` names what to use instead. */
export function deprecated<T>(schema: Schema<T>, replacement: string): Schema<T> {
  return { ...schema, deprecated: replacement };
}

/** Adds a content check to a string schema (keeping any check it had). */
export function withCheck(schema: Schema<string>, check: Check<string>): Schema<string> {
  if (schema.kind !== 'string') return schema;
  const prev = schema.check;
  const both: Check<string> = prev === undefined ? check : (v) => prev(v) ?? check(v);
  return { ...schema, check: both };
}
