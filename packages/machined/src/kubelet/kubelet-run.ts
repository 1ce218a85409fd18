// What the kubelet service and the kubelet controllers share within one boot: the spec rendered
// last (and its digest) and the digest the running kubelet started with, so a changed spec restarts it.
import { createHash } from 'node:crypto';
import type { KubeletSpecSpec } from './kubelet-spec.ts';

export class KubeletRun {
  spec: KubeletSpecSpec | undefined;
  /** The digest of `spec` once its files are written ('' before). */
  digest = '';
  /** The digest the kubelet process runs with, undefined while it does not run. */
  running: string | undefined;

  static digestOf(spec: KubeletSpecSpec): string {
    return createHash('sha256').update(JSON.stringify(spec)).digest('hex');
  }
}
