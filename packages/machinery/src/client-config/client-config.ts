/**
 * The client config (talosconfig): named contexts, each with the API endpoints, default target
 * nodes and the mTLS material (base64 of PEM, exactly as in the file), plus the current context.
 */
export interface ClientConfig {
  context: string;
  contexts: Record<string, ClientContext>;
}

export interface ClientContext {
  endpoints: string[];
  nodes?: string[];
  /** base64 of the PEM of the OS CA. */
  ca?: string;
  /** base64 of the PEM of the client certificate. */
  crt?: string;
  /** base64 of the PEM of the client key. */
  key?: string;
  /** Omni-style auth block, kept as found. */
  auth?: Record<string, unknown>;
  cluster?: string;
  'proxy-url'?: string;
}

/** A client config that cannot be read or an operation it cannot take; says what to do. */
export class ClientConfigError extends Error {
  override readonly name = 'ClientConfigError';
}

export function isClientConfigError(err: unknown): err is ClientConfigError {
  return err instanceof Error && err.name === 'ClientConfigError';
}

export function emptyClientConfig(): ClientConfig {
  return { context: '', contexts: {} };
}

/** The current context, or a ClientConfigError saying how to pick one. */
export function currentContext(config: ClientConfig): { name: string; context: ClientContext } {
  if (config.context === '') {
    throw new ClientConfigError('no context is selected in the talosconfig: run "osctl config context NAME"');
  }
  const context = config.contexts[config.context];
  if (context === undefined) {
    const known = Object.keys(config.contexts);
    throw new ClientConfigError(
      `context "${config.context}" is not defined in the talosconfig (defined: ${known.length > 0 ? known.join(', ') : 'none'})`,
    );
  }
  return { name: config.context, context };
}
