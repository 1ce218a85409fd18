// Which REST resource serves an apiVersion/kind: the API's own discovery (/api/v1 for the core
// group, /apis/GROUP/VERSION for the others), cached per group version. A kind missing from a
// cached list is looked up once more (a CRD may have appeared since).
import { KubeApiError } from './k8s-client-error.ts';
import type { KubeTransport } from './k8s-client-request.ts';

export interface KubeResource {
  /** /api/v1 or /apis/GROUP/VERSION */
  base: string;
  /** The plural name in paths (configmaps, daemonsets). */
  plural: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources?: { name?: string; kind?: string; namespaced?: boolean }[];
}

/** /api/v1 for `v1`, /apis/apps/v1 for `apps/v1`. */
export function apiBaseOf(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export class KubeDiscovery {
  readonly #transport: KubeTransport;
  readonly #cache = new Map<string, Map<string, KubeResource>>();

  constructor(transport: KubeTransport) {
    this.#transport = transport;
  }

  async resourceOf(apiVersion: string, kind: string, signal?: AbortSignal): Promise<KubeResource> {
    const cached = this.#cache.get(apiVersion)?.get(kind);
    if (cached !== undefined) return cached;
    const fresh = await this.#load(apiVersion, signal);
    const found = fresh.get(kind);
    if (found === undefined) {
      const path = apiBaseOf(apiVersion);
      throw new KubeApiError(`${path} serves no kind ${kind}: check the manifest's apiVersion and kind`, {
        status: 404,
        reason: 'NotFound',
        method: 'GET',
        path,
      });
    }
    return found;
  }

  async #load(apiVersion: string, signal?: AbortSignal): Promise<Map<string, KubeResource>> {
    const base = apiBaseOf(apiVersion);
    const list = (await this.#transport.send({ method: 'GET', path: base, ...(signal ? { signal } : {}) })) as
      ApiResourceList | undefined;
    const kinds = new Map<string, KubeResource>();
    for (const r of list?.resources ?? []) {
      // subresources (pods/log, deployments/scale) share their parent's kind
      if (r.name === undefined || r.kind === undefined || r.name.includes('/')) continue;
      kinds.set(r.kind, { base, plural: r.name, namespaced: r.namespaced === true });
    }
    this.#cache.set(apiVersion, kinds);
    return kinds;
  }
}
