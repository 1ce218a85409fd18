// What a command talks to: the endpoints, the target nodes and the TLS material of one talosconfig
// context, with the command line's --context, --endpoints and --nodes taking precedence.
import { ClientConfigError, currentContext, type ClientConfig } from '../client-config/client-config.ts';
import { parsePrivateKeyPem } from '../pki/keys.ts';
import { parseEndpoint, type Endpoint } from './endpoints.ts';

export interface TargetOverrides {
  /** --context: use this context instead of the current one. */
  context?: string | undefined;
  /** -e/--endpoints: replaces the context's endpoints. */
  endpoints?: readonly string[] | undefined;
  /** -n/--nodes: replaces the context's nodes. */
  nodes?: readonly string[] | undefined;
}

export interface ClientTlsMaterial {
  /** PEM of the OS CA that the server certificate must chain to. */
  ca: string;
  /** PEM of the client certificate and key; absent only where no client certificate is needed. */
  cert: string;
  key: string;
}

export interface ClientTarget {
  contextName: string;
  endpoints: Endpoint[];
  /** Nodes to run each call on (sent as `node` metadata); empty means the endpoint itself. */
  nodes: string[];
  tls: ClientTlsMaterial;
}

/** Splits `a,b c` and repeated flags into a clean list. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== '');
}

function decodePem(contextName: string, field: string, value: string | undefined, hint: string): string {
  if (value === undefined || value === '') {
    throw new ClientConfigError(`context "${contextName}" of the talosconfig has no ${field}: ${hint}`);
  }
  const text = Buffer.from(value, 'base64').toString('utf8');
  if (!text.includes('-----BEGIN ')) {
    throw new ClientConfigError(`context "${contextName}": ${field} is not base64 of a PEM block: ${hint}`);
  }
  return text;
}

// Talos labels keys by algorithm (`ED25519 PRIVATE KEY`), which OpenSSL does not read: TLS gets PKCS#8.
function toPkcs8(contextName: string, pem: string): string {
  try {
    return parsePrivateKeyPem(pem).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  } catch (err) {
    throw new ClientConfigError(`context "${contextName}": the client key cannot be read`, { cause: err });
  }
}

/**
 * The target of a command. Fails with a ClientConfigError that says what to do when the context
 * is unknown, has no endpoints, or lacks its CA, certificate or key.
 */
export function resolveClientTarget(config: ClientConfig, overrides: TargetOverrides = {}): ClientTarget {
  const selected =
    overrides.context !== undefined && overrides.context !== '' ? { ...config, context: overrides.context } : config;
  const { name, context } = currentContext(selected);
  const endpointList = splitList(overrides.endpoints).length > 0 ? splitList(overrides.endpoints) : context.endpoints;
  if (endpointList.length === 0) {
    throw new ClientConfigError(
      `context "${name}" has no endpoints: pass -e/--endpoints or run "osctl config endpoint ADDRESS..."`,
    );
  }
  const nodes = splitList(overrides.nodes).length > 0 ? splitList(overrides.nodes) : splitList(context.nodes);
  const regenerate = 'regenerate the talosconfig with "osctl gen config" or fetch one with "osctl config new"';
  return {
    contextName: name,
    endpoints: endpointList.map(parseEndpoint),
    nodes,
    tls: {
      ca: decodePem(name, 'ca', context.ca, regenerate),
      cert: decodePem(name, 'crt', context.crt, regenerate),
      key: toPkcs8(name, decodePem(name, 'key', context.key, regenerate)),
    },
  };
}
