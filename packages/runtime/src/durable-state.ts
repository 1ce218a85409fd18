// The durable State backend: chosen namespaces are saved under a directory (resource-files.ts) before
// each change commits, and loaded again at start; the other namespaces live in memory only.
import { ResourceFiles } from './resource-files.ts';
import { StoreState } from './store-state.ts';
import type { StoreOptions } from './store.ts';

export interface DurableStateOptions extends StoreOptions {
  /** The directory that holds the persisted namespaces (created when missing). */
  dir: string;
  /** The namespaces that survive a restart. */
  namespaces: readonly string[];
}

export class DurableState extends StoreState {
  /** Loads what the directory holds and returns the state over it. */
  static async open(options: DurableStateOptions): Promise<DurableState> {
    const files = new ResourceFiles(options.dir);
    const persisted = new Set(options.namespaces);
    let initial;
    try {
      initial = await files.load(persisted);
    } catch (err) {
      throw new Error(`failed to load the durable state from ${options.dir}`, { cause: err });
    }
    return new DurableState(options, { files, persisted, initial });
  }

  private constructor(
    options: StoreOptions,
    loaded: { files: ResourceFiles; persisted: ReadonlySet<string>; initial: Parameters<ResourceFiles['write']>[0][] },
  ) {
    const { files, persisted } = loaded;
    super(
      options,
      {
        persists: (ns) => persisted.has(ns),
        save: (change) =>
          change.next === undefined ? files.remove(change.old?.metadata ?? missing()) : files.write(change.next),
      },
      loaded.initial,
    );
  }
}

function missing(): never {
  throw new Error('durable state: a change without a resource');
}
