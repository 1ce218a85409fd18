// Why an endpoint cannot be used: gRPC only reports "unavailable", so a failed connection is
// retried once with a plain TLS handshake (same CA, certificate and key) whose error names the
// cause: nothing listening, a server certificate from another CA, an expired or foreign client
// certificate. Each reason says what to check.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import type { Endpoint } from './endpoints.ts';

export interface DiagnoseOptions {
  ca?: string;
  cert?: string;
  key?: string;
  /** Whether the server certificate is checked (false only for maintenance mode). */
  verifyServer: boolean;
  /** The talosconfig context, named in hints. */
  contextName?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

// An HTTP/2 connection preface and an empty SETTINGS frame: after TLS 1.3 the server judges the
// client certificate only once the client speaks, so the probe must say something.
const preface = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

const untrustedServer = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

function codeOf(err: unknown): string {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : '';
}

/** The reason for one error of the probe, in words, with what to check. */
export function explainConnectError(err: unknown, endpoint: Endpoint, options: DiagnoseOptions): string {
  const code = codeOf(err);
  const ctx = options.contextName === undefined ? 'the talosconfig' : `talosconfig context "${options.contextName}"`;
  const at = endpoint.address;
  if (code === 'ECONNREFUSED') {
    return `nothing is listening on ${at}: check the endpoint and that the node is up (apid listens on port 50000)`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${endpoint.host}: check the endpoint name`;
  if (['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(code)) {
    return `cannot reach ${at} (${code}): check the address and the network path to the node`;
  }
  if (untrustedServer.has(code)) {
    return `the server certificate of ${at} is not signed by the CA of ${ctx}: check that the talosconfig belongs to this cluster (osctl config info)`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `the server certificate of ${at} has expired: check the node's clock`;
  if (code === 'CERT_NOT_YET_VALID') return `the server certificate of ${at} is not valid yet: check the clocks`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `the server certificate of ${at} does not name ${endpoint.host}: use an address the certificate lists`;
  }
  if (/ALERT_CERTIFICATE_EXPIRED/.test(code)) {
    return `${at} refused the client certificate of ${ctx} as expired: get a new one (osctl config new, gen config)`;
  }
  if (/ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|DECRYPT_ERROR|ACCESS_DENIED)/.test(code)) {
    return `${at} does not accept the client certificate of ${ctx}: it is not signed by the node's OS CA; check that the talosconfig belongs to this cluster`;
  }
  if (/ALERT_CERTIFICATE_REQUIRED/.test(code)) return `${at} requires a client certificate: ${ctx} has none`;
  if (/ALERT_UNSUPPORTED_CERTIFICATE/.test(code)) {
    return `${at} refused the client certificate of ${ctx}: it is not made for client authentication`;
  }
  if (/WRONG_VERSION_NUMBER|PROTOCOL_VERSION|PACKET_LENGTH_TOO_LONG/.test(code)) {
    return `${at} does not speak TLS 1.3: check that the endpoint is a Bronze or Talos node (port 50000)`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `cannot connect to ${at}: ${message}`;
}

function refusedClientCertificate(endpoint: Endpoint, options: DiagnoseOptions): string {
  const ctx = options.contextName === undefined ? 'the talosconfig' : `talosconfig context "${options.contextName}"`;
  if (options.cert === undefined) return `${endpoint.address} closed the connection: it requires a client certificate`;
  return `${endpoint.address} does not accept the client certificate of ${ctx}: it is not signed by the node's OS CA (or lacks client-auth usage); check that the talosconfig belongs to this cluster`;
}

/** A reason found without the network: the client certificate has expired or is not valid yet. */
export function localCertificateProblem(options: DiagnoseOptions, now = new Date()): string | undefined {
  if (options.cert === undefined || options.cert === '') return undefined;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(options.cert);
  } catch {
    return 'the client certificate of the talosconfig cannot be parsed: regenerate the talosconfig';
  }
  const ctx = options.contextName === undefined ? 'the talosconfig' : `talosconfig context "${options.contextName}"`;
  if (new Date(cert.validTo) < now) {
    return `the client certificate of ${ctx} expired on ${new Date(cert.validTo).toISOString()}: get a new one (osctl config new, gen config)`;
  }
  if (new Date(cert.validFrom) > now) {
    return `the client certificate of ${ctx} is not valid before ${new Date(cert.validFrom).toISOString()}: check the clock`;
  }
  return undefined;
}

function probeOptions(endpoint: Endpoint, options: DiagnoseOptions): ConnectionOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    ...(isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {}),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.cert === undefined || options.key === undefined ? {} : { cert: options.cert, key: options.key }),
    minVersion: 'TLSv1.3',
    ALPNProtocols: ['h2'],
    rejectUnauthorized: options.verifyServer,
  };
}

/** Connects once with TLS and explains what fails; undefined when the connection works. */
export async function diagnoseEndpoint(endpoint: Endpoint, options: DiagnoseOptions): Promise<string | undefined> {
  const local = localCertificateProblem(options);
  if (local !== undefined) return local;
  return new Promise((resolve) => {
    const socket = connect(probeOptions(endpoint, options));
    let done = false;
    const finish = (reason: string | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(reason);
    };
    const onAbort = (): void => {
      finish('cancelled');
    };
    const timer = setTimeout(() => {
      finish(done ? undefined : `no answer from ${endpoint.address} within ${String(options.timeoutMs ?? 3000)} ms`);
    }, options.timeoutMs ?? 3000);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let secure = false;
    socket.on('secureConnect', () => {
      secure = true;
      socket.write(preface);
    });
    // The server's SETTINGS frame: the handshake and the client certificate are fine.
    socket.on('data', () => {
      finish(undefined);
    });
    socket.on('error', (err) => {
      finish(explainConnectError(err, endpoint, options));
    });
    // A TLS 1.3 server that rejects the client certificate closes the connection right after the
    // handshake, usually without an alert.
    socket.on('close', () => {
      finish(
        secure
          ? refusedClientCertificate(endpoint, options)
          : `${endpoint.address} closed the connection during the TLS handshake`,
      );
    });
  });
}
