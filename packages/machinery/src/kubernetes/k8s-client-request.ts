// One HTTPS request to the Kubernetes API with the client certificate of a kubeconfig; JSON in and
// out. An answer >= 400 or no answer at all becomes a KubeApiError.
import { Agent, request } from 'node:https';
import { KubeApiError, kubeApiErrorOf } from './k8s-client-error.ts';
import type { KubeEndpoint } from './k8s-client-kubeconfig.ts';

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. /api/v1/namespaces/kube-system/secrets?fieldManager=bronze */
  path: string;
  body?: unknown;
  /** Default application/json. */
  contentType?: string;
  signal?: AbortSignal;
}

/** The default bound of one request (ms). */
export const DefaultKubeRequestTimeoutMs = 15_000;

export class KubeTransport {
  readonly server: URL;
  readonly #agent: Agent;
  readonly #timeoutMs: number;

  constructor(endpoint: KubeEndpoint, options: { timeoutMs?: number } = {}) {
    this.server = new URL(endpoint.server);
    this.#agent = new Agent({
      ca: endpoint.ca,
      cert: endpoint.cert,
      key: endpoint.key,
      keepAlive: true,
      maxSockets: 8,
    });
    this.#timeoutMs = options.timeoutMs ?? DefaultKubeRequestTimeoutMs;
  }

  /** The decoded JSON answer (undefined for an empty body). */
  async send(req: KubeRequest): Promise<unknown> {
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.#timeoutMs),
      ...(req.signal === undefined ? [] : [req.signal]),
    ]);
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body), 'utf8');
    const { status, text } = await this.#exchange(req, body, signal);
    if (status >= 400) throw kubeApiErrorOf(status, text, req);
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new KubeApiError(`${req.method} ${req.path}: the answer is not JSON: ${text.slice(0, 200)}`, {
        status,
        method: req.method,
        path: req.path,
        cause: err,
      });
    }
  }

  #exchange(
    req: KubeRequest,
    body: Buffer | undefined,
    signal: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (body !== undefined) {
        headers['content-type'] = req.contentType ?? 'application/json';
        headers['content-length'] = body.length;
      }
      const r = request(
        {
          agent: this.#agent,
          host: this.server.hostname.replace(/^\[|\]$/g, ''),
          port: this.server.port === '' ? 443 : Number(this.server.port),
          method: req.method,
          path: req.path,
          headers,
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (err) => {
            reject(this.#noAnswer(req, err, signal));
          });
        },
      );
      r.on('error', (err) => {
        reject(this.#noAnswer(req, err, signal));
      });
      r.end(body);
    });
  }

  #noAnswer(req: KubeRequest, err: Error, signal: AbortSignal): KubeApiError {
    const code = 'code' in err && typeof err.code === 'string' ? err.code : signal.aborted ? 'ABORTED' : 'ERROR';
    const why =
      signal.aborted && req.signal?.aborted !== true ? `no answer within ${String(this.#timeoutMs)}ms` : err.message;
    return new KubeApiError(`${req.method} ${this.server.origin}${req.path}: ${why}: is the API server up?`, {
      status: 0,
      reason: code,
      method: req.method,
      path: req.path,
      cause: err,
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
