// Endpoints as written in a talosconfig or on the command line (`10.5.0.2`, `node-1:50000`,
// `[fd00::2]`, `https://lb.example`) turned into the `host:port` targets gRPC dials.
import { isIP } from 'node:net';
import { ClientConfigError } from '../client-config/client-config.ts';

/** apid's port on every node. */
export const DefaultApiPort = 50000;

export interface Endpoint {
  /** The host as written, without brackets (`10.5.0.2`, `fd00::2`, `node-1`). */
  host: string;
  port: number;
  /** `host:port`, IPv6 in brackets: what gRPC dials and what messages show. */
  address: string;
}

function endpointOf(host: string, port: number): Endpoint {
  const address = isIP(host) === 6 ? `[${host}]:${String(port)}` : `${host}:${String(port)}`;
  return { host, port, address };
}

function parsePort(text: string, raw: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new ClientConfigError(`endpoint ${JSON.stringify(raw)} has an invalid port ${JSON.stringify(text)}`);
  }
  return port;
}

/** Parses one endpoint; the port defaults to 50000. A malformed one is a ClientConfigError. */
export function parseEndpoint(raw: string): Endpoint {
  let text = raw.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  text = text.replace(/\/+$/, '');
  if (text === '' || /[\s/]/.test(text)) {
    throw new ClientConfigError(`endpoint ${JSON.stringify(raw)} is not a host, host:port or [ipv6]:port`);
  }
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed !== null) {
    const host = bracketed[1] ?? '';
    if (isIP(host) !== 6)
      throw new ClientConfigError(`endpoint ${JSON.stringify(raw)}: ${host} is not an IPv6 address`);
    return endpointOf(host, bracketed[2] === undefined ? DefaultApiPort : parsePort(bracketed[2], raw));
  }
  if (isIP(text) === 6) return endpointOf(text, DefaultApiPort);
  const colon = text.lastIndexOf(':');
  if (colon < 0) return endpointOf(text, DefaultApiPort);
  const host = text.slice(0, colon);
  if (host === '' || host.includes(':')) {
    throw new ClientConfigError(`endpoint ${JSON.stringify(raw)} is not a host, host:port or [ipv6]:port`);
  }
  return endpointOf(host, parsePort(text.slice(colon + 1), raw));
}
