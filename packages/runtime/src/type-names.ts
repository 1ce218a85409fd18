// The names a resource type answers to, derived from its plural.group type name the way COSI
// fills a ResourceDefinition: a singular display name, aliases, and every alias that matches.

export interface TypeNames {
  /** The singular name, such as `MachineStatus`. */
  readonly displayType: string;
  /** Human-readable aliases: the given ones, the singular in lower case, and the acronym. */
  readonly aliases: readonly string[];
  /** Every name `get` matches: the plural, plural with partial suffixes, and the aliases. */
  readonly allAliases: readonly string[];
}

const namePattern = /^[A-Z][A-Za-z0-9-]+$/;
const suffixPattern = /^[a-z][a-z0-9-]+(\.[a-z][a-z0-9-]+)*$/;

/** The fault in a type name, or undefined when it is in plural.group form. */
export function typeNameFault(type: string): string | undefined {
  const dot = type.indexOf('.');
  if (dot < 0) return 'it has no group suffix (like MachineStatuses.runtime.talos.dev)';
  const [name, suffix] = [type.slice(0, dot), type.slice(dot + 1)];
  if (name.toLowerCase() === name) return `its name ${JSON.stringify(name)} should be CamelCase`;
  if (!namePattern.test(name)) return `its name ${JSON.stringify(name)} is not CamelCase letters and digits`;
  if (!suffixPattern.test(suffix)) return `its suffix ${JSON.stringify(suffix)} is not lower-case dotted words`;
  return undefined;
}

/** English singular of a plural type name, for the common endings; `displayType` overrides it. */
export function singular(plural: string): string {
  const rules: [RegExp, string][] = [
    [/(ss|us|ch|sh|x|z)es$/, '$1'],
    [/([^aeiou])ies$/, '$1y'],
    [/([^s])s$/, '$1'],
  ];
  for (const [re, to] of rules) if (re.test(plural)) return plural.replace(re, to);
  return plural;
}

export function typeNames(
  type: string,
  options: { aliases?: readonly string[]; displayType?: string } = {},
): TypeNames {
  const dot = type.indexOf('.');
  const name = type.slice(0, dot);
  const suffix = type.slice(dot + 1).split('.');
  const displayType = options.displayType ?? singular(name);
  const aliases = [...(options.aliases ?? []), displayType.toLowerCase()];
  const upper = name.replace(/[^A-Z]/g, '');
  if (upper.length > 1) {
    aliases.push(upper.toLowerCase());
    if (!upper.endsWith('S')) aliases.push(`${upper}s`.toLowerCase());
  }
  const all = [name.toLowerCase()];
  for (let i = 1; i < suffix.length; i++) all.push([name.toLowerCase(), ...suffix.slice(0, i)].join('.'));
  return { displayType, aliases: unique(aliases), allAliases: unique([...all, ...aliases]) };
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
