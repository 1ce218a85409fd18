// A small Kubernetes API client: get, list, create, delete and server-side apply of any object by
// its apiVersion and kind, over HTTPS with a kubeconfig's client certificate. No watches: callers poll.
import { KubeApiError, isKubeApiError } from './k8s-client-error.ts';
import { KubeDiscovery, type KubeResource } from './k8s-client-discovery.ts';
import { kubeEndpointFromKubeconfig, type KubeEndpoint } from './k8s-client-kubeconfig.ts';
import { KubeTransport } from './k8s-client-request.ts';

/** Any Kubernetes object; only these fields matter to the client. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface KubeObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** Only for namespaced kinds; default "default". */
  namespace?: string;
}

export interface KubeCallOptions {
  signal?: AbortSignal;
}

export interface KubeListOptions extends KubeCallOptions {
  /** Omitted: every namespace (for namespaced kinds). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface KubeApplyOptions extends KubeCallOptions {
  /** Default "bronze". */
  fieldManager?: string;
  /** Take fields over from other managers (default true). */
  force?: boolean;
}

export const DefaultFieldManager = 'bronze';

function enc(s: string): string {
  return encodeURIComponent(s);
}

export class KubeClient {
  readonly #transport: KubeTransport;
  readonly #discovery: KubeDiscovery;

  constructor(endpoint: KubeEndpoint, options: { timeoutMs?: number } = {}) {
    this.#transport = new KubeTransport(endpoint, options);
    this.#discovery = new KubeDiscovery(this.#transport);
  }

  /** A client for the current (or named) context of kubeconfig text. */
  static fromKubeconfig(text: string, options: { context?: string; timeoutMs?: number } = {}): KubeClient {
    const endpoint = kubeEndpointFromKubeconfig(
      text,
      options.context === undefined ? {} : { context: options.context },
    );
    return new KubeClient(endpoint, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  }

  get server(): string {
    return this.#transport.server.origin;
  }

  /** The REST resource of a kind, from discovery (cached). */
  resourceOf(apiVersion: string, kind: string, options: KubeCallOptions = {}): Promise<KubeResource> {
    return this.#discovery.resourceOf(apiVersion, kind, options.signal);
  }

  /** The REST path of `ref`; `allNamespaces`: a namespaced list without a namespace spans them all. */
  async #path(
    ref: Omit<KubeObjectRef, 'name'> & { name?: string },
    options: KubeCallOptions & { allNamespaces?: boolean },
  ): Promise<string> {
    const all = options.allNamespaces === true;
    const r = await this.resourceOf(ref.apiVersion, ref.kind, options);
    const ns =
      r.namespaced && !(all && ref.namespace === undefined) ? `/namespaces/${enc(ref.namespace ?? 'default')}` : '';
    return `${r.base}${ns}/${r.plural}${ref.name === undefined || ref.name === '' ? '' : `/${enc(ref.name)}`}`;
  }

  async get(ref: KubeObjectRef, options: KubeCallOptions = {}): Promise<KubeObject> {
    const path = await this.#path(ref, options);
    return (await this.#transport.send({ method: 'GET', path, ...signalOf(options) })) as KubeObject;
  }

  /** The object, or undefined when it does not exist (404). */
  async find(ref: KubeObjectRef, options: KubeCallOptions = {}): Promise<KubeObject | undefined> {
    try {
      return await this.get(ref, options);
    } catch (err) {
      if (isKubeApiError(err, 404) && err.reason === 'NotFound') return undefined;
      throw err;
    }
  }

  async list(kind: { apiVersion: string; kind: string }, options: KubeListOptions = {}): Promise<KubeObject[]> {
    const base = await this.#path(
      { ...kind, ...(options.namespace === undefined ? {} : { namespace: options.namespace }) },
      { ...options, allNamespaces: true },
    );
    const query = new URLSearchParams();
    if (options.labelSelector !== undefined) query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector !== undefined) query.set('fieldSelector', options.fieldSelector);
    const q = query.toString();
    const path = q === '' ? base : `${base}?${q}`;
    const list = (await this.#transport.send({ method: 'GET', path, ...signalOf(options) })) as
      { items?: KubeObject[] } | undefined;
    return (list?.items ?? []).map((item) => ({ ...item, apiVersion: kind.apiVersion, kind: kind.kind }));
  }

  /** POST: fails with 409 AlreadyExists when the object exists. */
  async create(obj: KubeObject, options: KubeCallOptions = {}): Promise<KubeObject> {
    const path = await this.#path(refOf(obj, false), options);
    return (await this.#transport.send({ method: 'POST', path, body: obj, ...signalOf(options) })) as KubeObject;
  }

  async delete(ref: KubeObjectRef, options: KubeCallOptions = {}): Promise<void> {
    const path = await this.#path(ref, options);
    await this.#transport.send({ method: 'DELETE', path, ...signalOf(options) });
  }

  /** Server-side apply: PATCH application/apply-patch+yaml (JSON is YAML) as `fieldManager`, forced. */
  async apply(obj: KubeObject, options: KubeApplyOptions = {}): Promise<KubeObject> {
    if (obj.metadata.name === '') {
      throw new KubeApiError(`${obj.kind} has no metadata.name: name the object`, {
        status: 0,
        reason: 'Invalid',
        method: 'PATCH',
        path: '',
      });
    }
    const path = await this.#path(refOf(obj, true), options);
    const query = new URLSearchParams({ fieldManager: options.fieldManager ?? DefaultFieldManager });
    if (options.force !== false) query.set('force', 'true');
    return (await this.#transport.send({
      method: 'PATCH',
      path: `${path}?${query.toString()}`,
      body: obj,
      contentType: 'application/apply-patch+yaml',
      ...signalOf(options),
    })) as KubeObject;
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.#transport.close();
  }
}

/** Only the signal of call options goes into a request. */
function signalOf(options: KubeCallOptions): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}

function refOf(obj: KubeObject, withName: boolean): KubeObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: withName ? obj.metadata.name : '',
    ...(obj.metadata.namespace === undefined ? {} : { namespace: obj.metadata.namespace }),
  };
}
