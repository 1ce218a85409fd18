// One HTTP request to the engine over its unix socket (node:http with socketPath), with the
// call named in every error. Unversioned paths: Docker and Podman both serve their newest API there.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { EngineError } from './engine-error.ts';

export interface EngineRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON body, or a stream (a tar for /images/load). */
  json?: unknown;
  stream?: Readable;
  contentType?: string;
  signal?: AbortSignal;
  /** Milliseconds for the whole call (default 60 s). */
  timeoutMs?: number;
}

export interface EngineResponse {
  status: number;
  body: Buffer;
}

/** The call's name as errors show it: `POST /containers/create`. */
export function callName(req: Pick<EngineRequest, 'method' | 'path'>): string {
  return `${req.method} ${req.path}`;
}

/** Sends the request; any status >= 400 becomes an EngineError with the engine's message. */
export async function engineRequest(socketPath: string, req: EngineRequest): Promise<EngineResponse> {
  const res = await send(socketPath, req);
  if (res.status >= 400) throw new EngineError(callName(req), res.status, engineMessage(res.body));
  return res;
}

/** The JSON answer of a request. */
export async function engineJson<T>(socketPath: string, req: EngineRequest): Promise<T> {
  const res = await engineRequest(socketPath, req);
  if (res.body.length === 0) return undefined as T;
  try {
    return JSON.parse(res.body.toString('utf8')) as T;
  } catch (err) {
    throw new EngineError(callName(req), res.status, `answer is not JSON: ${res.body.toString('utf8', 0, 200)}`, {
      cause: err,
    });
  }
}

function send(socketPath: string, req: EngineRequest): Promise<EngineResponse> {
  const call = callName(req);
  const body = req.json === undefined ? undefined : Buffer.from(JSON.stringify(req.json));
  const headers: Record<string, string> = { host: 'docker' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (req.stream !== undefined) headers['content-type'] = req.contentType ?? 'application/x-tar';
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        socketPath,
        method: req.method,
        path: req.path + queryString(req.query),
        headers,
        timeout: req.timeoutMs ?? 60_000,
        ...(req.signal ? { signal: req.signal } : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          reject(new EngineError(call, res.statusCode ?? 0, err.message, { cause: err }));
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer in ${req.timeoutMs ?? 60_000} ms`)));
    r.on('error', (err) => {
      if (req.signal?.aborted === true) {
        reject(req.signal.reason as Error);
        return;
      }
      const hint =
        'code' in err && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')
          ? `no engine on ${socketPath}: start one (scripts/podman-service), or name it with --docker-host / DOCKER_HOST`
          : undefined;
      reject(new EngineError(call, 0, err.message, { cause: err, ...(hint ? { hint } : {}) }));
    });
    if (req.stream !== undefined) {
      req.stream.on('error', (err) => r.destroy(err));
      req.stream.pipe(r);
    } else {
      r.end(body);
    }
  });
}

function queryString(query: EngineRequest['query']): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

function engineMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the body itself says it
  }
  return text === '' ? '(no message)' : text.slice(0, 500);
}
