// The cluster's context in the user's talosconfig: merged at create (a taken name becomes NAME-1,
// as `config merge` does) and removed at destroy, only if it is still the one we wrote.
import { loadClientConfig, mergeClientConfigs, saveClientConfig, type ClientContext } from '@bronze/machinery';

export interface MergedContext {
  path: string;
  context: string;
  /** The context that was current before, restored at destroy. */
  previousContext: string;
}

export async function mergeClusterContext(path: string, name: string, context: ClientContext): Promise<MergedContext> {
  const into = await loadClientConfig(path, { allowMissing: true });
  const merged = mergeClientConfigs(into, { context: name, contexts: { [name]: context } });
  await saveClientConfig(path, merged.config);
  const renamed = merged.renames.find(([from]) => from === name);
  return { path, context: renamed?.[1] ?? name, previousContext: into.context };
}

/**
 * Removes the context if it still holds the cluster's CA; restores the previous current context
 * when the removed one was current. Returns what it did, for the summary.
 */
export async function removeClusterContext(merged: MergedContext, ca: string | undefined): Promise<string> {
  const config = await loadClientConfig(merged.path, { allowMissing: true });
  const context = config.contexts[merged.context];
  if (context === undefined) return `talosconfig ${merged.path} has no context ${merged.context} any more`;
  if (ca !== undefined && context.ca !== ca) {
    return `kept context ${merged.context} in ${merged.path}: it no longer holds this cluster's CA`;
  }
  const contexts = Object.fromEntries(Object.entries(config.contexts).filter(([n]) => n !== merged.context));
  let current = config.context;
  if (current === merged.context)
    current = contexts[merged.previousContext] !== undefined ? merged.previousContext : '';
  await saveClientConfig(merged.path, { context: current, contexts });
  return `removed context ${merged.context} from ${merged.path}`;
}
