// The order to stop services in: waves of services that no running service still depends on.

/** Waves of ids: every service comes after all services that depend on it. */
export function stopOrder(deps: ReadonlyMap<string, readonly string[]>): string[][] {
  const dependants = new Map<string, number>([...deps.keys()].map((id) => [id, 0]));
  for (const ds of deps.values()) for (const d of ds) dependants.set(d, (dependants.get(d) ?? 0) + 1);
  const waves: string[][] = [];
  let left = new Set(deps.keys());
  while (left.size > 0) {
    const wave = [...left].filter((id) => (dependants.get(id) ?? 0) === 0);
    // A cycle cannot be registered; stop the rest together rather than never.
    const now = wave.length > 0 ? wave : [...left];
    for (const id of now) for (const d of deps.get(id) ?? []) dependants.set(d, (dependants.get(d) ?? 0) - 1);
    left = new Set([...left].filter((id) => !now.includes(id)));
    waves.push(now);
  }
  return waves;
}
