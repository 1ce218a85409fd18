// Where a node's two containerd instances listen, and their namespaces, as in Talos: the system
// containerd (machined's own, namespace `system`) and the CRI one that runs pods (`k8s.io`).
import { join } from 'node:path';

export const SystemNamespace = 'system';
export const CriNamespace = 'k8s.io';

/** The system containerd's API socket under the platform root (node-services.ts starts it there). */
export function systemContainerdSocket(root: string): string {
  return join(root, 'system/run/containerd/containerd.sock');
}

/** The CRI containerd's API socket under the platform root (Talos's /run/containerd). */
export function criContainerdSocket(root: string): string {
  return join(root, 'run/containerd/containerd.sock');
}
