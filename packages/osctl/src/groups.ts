/** Help groups, following talosctl's split between online, offline and local-cluster commands. */
export const Group = {
  Cluster: 'Local cluster lifecycle:',
  Node: 'Manage running nodes:',
  Config: 'Generate and manage configuration offline:',
  Image: 'Build and sign node images:',
  Other: 'Other commands:',
} as const;
export type Group = (typeof Group)[keyof typeof Group];
