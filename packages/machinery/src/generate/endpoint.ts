import { isIP } from 'node:net';
import { DefaultControlPlanePort } from './versions.ts';
import { GenerateError } from './generate-error.ts';

/** A checked cluster endpoint: the URL as the user wrote it, and its host. */
export interface ClusterEndpoint {
  url: string;
  /** Without brackets or port: the first API server certificate SAN. */
  host: string;
}

/**
 * Checks the cluster endpoint of `gen config` the way talosctl does: it must be an https:// URL;
 * a bare host or host:port is refused with the URL to use instead. The URL is kept as written
 * (a WHATWG parser would rewrite hosts such as "0" to "0.0.0.0"; Go's does not).
 */
export function parseClusterEndpoint(endpoint: string): ClusterEndpoint {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint);
  if (!hasScheme) {
    throw new GenerateError(
      `the cluster endpoint ${JSON.stringify(endpoint)} has no scheme: try "${suggest(endpoint)}"`,
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (err) {
    throw new GenerateError(`the cluster endpoint ${JSON.stringify(endpoint)} is not a valid URL`, { cause: err });
  }
  if (url.protocol !== 'https:') {
    throw new GenerateError(
      `the cluster endpoint ${JSON.stringify(endpoint)} must use https://: try "${suggest(url.host + url.pathname)}"`,
    );
  }
  if (url.hostname === '') throw new GenerateError(`the cluster endpoint ${JSON.stringify(endpoint)} has no host`);
  const authority = (endpoint.slice(endpoint.indexOf('//') + 2).split(/[/?#]/)[0] ?? '').replace(/^.*@/, '');
  const bracketed = /^\[([^\]]*)\]/.exec(authority);
  const host = bracketed ? (bracketed[1] ?? '') : authority.replace(/:\d*$/, '');
  return { url: endpoint.replace(/\/+$/, ''), host };
}

function suggest(hostPort: string): string {
  const trimmed = hostPort.replace(/\/+$/, '');
  const bracketed = isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed;
  const hasPort = /:\d+$/.test(bracketed) && isIP(bracketed) !== 6;
  return `https://${bracketed}${hasPort ? '' : `:${DefaultControlPlanePort}`}`;
}

/** A cluster name becomes a context name and a Kubernetes name: keep it to DNS-label characters. */
export function checkClusterName(name: string): void {
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$/.test(name)) {
    throw new GenerateError(
      `cluster name ${JSON.stringify(name)} is not valid: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
    );
  }
}
