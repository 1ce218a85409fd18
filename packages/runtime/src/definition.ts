// Resource definitions: what `osctl get rd` lists, and the typed handle controllers use to read and
// write one resource type.
import { compileJsonPath, formatColumnValue } from './json-path.ts';
import { newResource, type Kind, type NewResourceOptions, type Pointer, type Resource } from './resource.ts';
import { typeNameFault, typeNames } from './type-names.ts';

export interface PrintColumn {
  readonly name: string;
  /** A JSONPath-like path into the spec, such as `{.hostname}` or `{.aliases[:]}`. */
  readonly jsonPath: string;
}

/** The definition of a resource type, as COSI's ResourceDefinition spec has it. */
export interface ResourceDefinition {
  /** Talos's plural.group form, such as `MachineStatuses.runtime.talos.dev`. */
  readonly type: string;
  /** The id of its ResourceDefinition resource: the type in lower case. */
  readonly id: string;
  /** The singular name, such as `MachineStatus`. */
  readonly displayType: string;
  /** The short names shown to people, lower-cased. */
  readonly aliases: readonly string[];
  /** Every name `get` accepts (plural, plural with partial suffixes, aliases), lower-cased. */
  readonly allAliases: readonly string[];
  readonly defaultNamespace: string;
  readonly printColumns: readonly PrintColumn[];
  /** Sensitive resources are readable only with the admin role. */
  readonly sensitive: boolean;
}

export interface DefineResourceOptions<S> {
  type: string;
  defaultNamespace: string;
  /** The spec of a resource that does not exist yet (what `modify` starts from). */
  empty: () => S;
  aliases?: readonly string[];
  /** The singular name when the English rules get it wrong (default: derived from the type). */
  displayType?: string;
  printColumns?: readonly PrintColumn[];
  sensitive?: boolean;
}

/** A typed handle for one resource type. */
export interface ResourceType<S> {
  readonly type: string;
  readonly definition: ResourceDefinition;
  readonly empty: () => S;
  /** The kind in the default namespace, or in `namespace`. */
  kind(namespace?: string): Kind;
  pointer(id: string, namespace?: string): Pointer;
  /** A new resource of this type (in the default namespace unless `namespace` is given). */
  make(id: string, spec?: S, options?: NewResourceOptions & { namespace?: string }): Resource<S>;
  /** The printed columns of a resource, formatted for a table. */
  columns(res: Resource<S>): string[];
}

/** Defines a resource type; a malformed type name or column path throws (definitions are code). */
export function defineResource<S>(options: DefineResourceOptions<S>): ResourceType<S> {
  const fault = typeNameFault(options.type);
  if (fault !== undefined) throw new Error(`resource type ${JSON.stringify(options.type)}: ${fault}`);
  const getters: ((spec: unknown) => string)[] = (options.printColumns ?? []).map((c) => {
    const compiled = compileJsonPath(c.jsonPath);
    if ('error' in compiled) {
      const e = compiled.error;
      throw new Error(`resource ${options.type}: column ${c.name}: path ${e.path} at offset ${e.offset}: ${e.message}`);
    }
    const { getter, multiple } = compiled;
    return (spec) => formatColumnValue(getter(spec), { multiple });
  });
  const names = typeNames(options.type, {
    aliases: (options.aliases ?? []).map((a) => a.toLowerCase()),
    ...(options.displayType === undefined ? {} : { displayType: options.displayType }),
  });
  const definition: ResourceDefinition = Object.freeze({
    type: options.type,
    id: options.type.toLowerCase(),
    displayType: names.displayType,
    aliases: Object.freeze(names.aliases),
    allAliases: Object.freeze(names.allAliases),
    defaultNamespace: options.defaultNamespace,
    printColumns: Object.freeze([...(options.printColumns ?? [])]),
    sensitive: options.sensitive ?? false,
  });
  const kind = (namespace?: string): Kind => ({ namespace: namespace ?? options.defaultNamespace, type: options.type });
  return {
    type: options.type,
    definition,
    empty: options.empty,
    kind,
    pointer: (id, namespace) => ({ ...kind(namespace), id }),
    make: (id, spec, opts = {}) => newResource({ ...kind(opts.namespace), id }, spec ?? options.empty(), opts),
    columns: (res) => getters.map((g) => g(res.spec)),
  };
}

/** Every definition a node knows, looked up by type or any alias (case-insensitive). */
export class DefinitionRegistry {
  readonly #byName = new Map<string, ResourceDefinition>();
  readonly #all = new Map<string, ResourceDefinition>();

  register(def: ResourceDefinition | ResourceType<unknown>): void {
    const d = 'definition' in def ? def.definition : def;
    if (this.#all.has(d.type)) throw new Error(`resource type ${d.type} is already registered`);
    this.#all.set(d.type, d);
    this.#byName.set(d.id, d);
    // An alias two types share stays with the first; the full type name always works.
    for (const name of d.allAliases) if (!this.#byName.has(name)) this.#byName.set(name, d);
  }

  lookup(nameOrAlias: string): ResourceDefinition | undefined {
    return this.#byName.get(nameOrAlias.toLowerCase());
  }

  list(): ResourceDefinition[] {
    return [...this.#all.values()].sort((a, b) => a.type.localeCompare(b.type));
  }
}
