// Label filters for engine list calls. Docker ANDs several `label` filters; Podman 4's
// compatible service ORs them for volumes (`bronze.owned=true` then matches every cluster's
// volumes), so every list is filtered again here: an object must carry all the labels.
export type Labels = Record<string, string>;

/** The `filters` query value the engine takes: `{"label":["k=v",...]}`. */
export function labelFilters(labels: Labels): string {
  return JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });
}

/** True when `have` carries every label of `want` with the same value. */
export function hasAllLabels(have: Labels | null | undefined, want: Labels): boolean {
  return Object.entries(want).every(([k, v]) => have?.[k] === v);
}
