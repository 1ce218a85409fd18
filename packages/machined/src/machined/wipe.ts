// Reset's wipe: the EPHEMERAL (var/) and STATE (system/state/) trees of the node, or the ones asked.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Platform } from '../platform/platform.ts';

export const PartitionLabels = ['STATE', 'EPHEMERAL'] as const;

/** Empties the directories of the labels given (both when none); the directories themselves stay. */
export async function wipeNode(platform: Platform, labels: readonly string[]): Promise<void> {
  const wanted = labels.length === 0 ? PartitionLabels : labels;
  for (const label of wanted) {
    const dir =
      label === 'STATE' ? platform.paths.stateDir : label === 'EPHEMERAL' ? platform.paths.ephemeralDir : undefined;
    if (dir === undefined) continue;
    const entries = await readdir(dir).catch(() => []);
    await Promise.all(entries.map((e) => rm(join(dir, e), { recursive: true, force: true })));
  }
}
