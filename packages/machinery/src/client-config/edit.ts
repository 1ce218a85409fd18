import { ClientConfigError, currentContext, type ClientConfig, type ClientContext } from './client-config.ts';

/** Sets the endpoints of the current context (`config endpoint`). */
export function setEndpoints(config: ClientConfig, endpoints: readonly string[]): ClientConfig {
  const { name, context } = currentContext(config);
  return withContext(config, name, { ...context, endpoints: [...endpoints] });
}

/** Sets the default target nodes of the current context (`config node`); none clears them. */
export function setNodes(config: ClientConfig, nodes: readonly string[]): ClientConfig {
  const { name, context } = currentContext(config);
  const next: ClientContext = { ...context, nodes: [...nodes] };
  if (nodes.length === 0) delete next.nodes;
  return withContext(config, name, next);
}

/** Makes `name` the current context (`config context`). */
export function useContext(config: ClientConfig, name: string): ClientConfig {
  requireContext(config, name);
  return { ...config, context: name };
}

/** Adds a context (`config add`); an existing name is an error. Selects it when none is selected. */
export function addContext(config: ClientConfig, name: string, context: ClientContext): ClientConfig {
  if (name === '') throw new ClientConfigError('a context needs a name');
  if (config.contexts[name] !== undefined) {
    throw new ClientConfigError(`context "${name}" already exists: remove it first or pick another name`);
  }
  const next = withContext(config, name, context);
  return config.context === '' ? { ...next, context: name } : next;
}

/** Removes a context (`config remove`); the current context cannot be removed. */
export function removeContext(config: ClientConfig, name: string): ClientConfig {
  requireContext(config, name);
  if (config.context === name) {
    throw new ClientConfigError(
      `context "${name}" is the current context: switch with "osctl config context OTHER" first`,
    );
  }
  const contexts = Object.fromEntries(Object.entries(config.contexts).filter(([n]) => n !== name));
  return { ...config, contexts };
}

export interface MergeResult {
  config: ClientConfig;
  /** Contexts that clashed with existing names and were renamed, as [from, to]. */
  renames: [string, string][];
}

/**
 * Merges `from` into `into` (`config merge`), as talosctl does: a context whose name is taken is
 * renamed NAME-1, NAME-2, ... (the first free one), and the current context becomes the merged
 * config's current context under its new name.
 */
export function mergeClientConfigs(into: ClientConfig, from: ClientConfig): MergeResult {
  const contexts = { ...into.contexts };
  const renames: [string, string][] = [];
  const mapped = new Map<string, string>();
  for (const [name, context] of Object.entries(from.contexts)) {
    let merged = name;
    for (let i = 1; contexts[merged] !== undefined; i++) merged = `${name}-${i}`;
    if (merged !== name) renames.push([name, merged]);
    mapped.set(name, merged);
    contexts[merged] = context;
  }
  const context = from.context !== '' ? (mapped.get(from.context) ?? into.context) : into.context;
  return { config: { context, contexts }, renames };
}

function requireContext(config: ClientConfig, name: string): void {
  if (config.contexts[name] === undefined) {
    const known = Object.keys(config.contexts);
    throw new ClientConfigError(
      `context "${name}" is not defined in the talosconfig (defined: ${known.length > 0 ? known.join(', ') : 'none'})`,
    );
  }
}

function withContext(config: ClientConfig, name: string, context: ClientContext): ClientConfig {
  return { ...config, contexts: { ...config.contexts, [name]: context } };
}
