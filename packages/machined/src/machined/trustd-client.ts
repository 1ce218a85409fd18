// A worker's request to trustd: its CSR, signed by the OS CA on a control plane
// (securityapi.SecurityService/Certificate at HOST:50001, machine token in metadata `token`).
import { Metadata, credentials } from '@grpc/grpc-js';
import { createClient, dial, securityApi } from '@bronze/machinery';
import type { CertificateRequester } from '../controllers/api-certificates-controller.ts';

export const TrustdPort = 50001;

export function trustdRequester(): CertificateRequester {
  return async ({ host, csrPem, token, caPem }, signal) => {
    const creds = credentials.createSsl(Buffer.from(caPem));
    const target = host.includes(':') ? `[${host}]:${String(TrustdPort)}` : `${host}:${String(TrustdPort)}`;
    const channel = dial(target, { credentials: creds });
    try {
      const client = createClient(securityApi.SecurityService, channel);
      const metadata = new Metadata();
      metadata.set('token', token);
      const reply = await client.certificate(
        { csr: new TextEncoder().encode(csrPem) },
        { metadata, signal, deadline: new Date(Date.now() + 10_000) },
      );
      return { caPem: new TextDecoder().decode(reply.ca), crtPem: new TextDecoder().decode(reply.crt) };
    } finally {
      channel.close();
    }
  };
}
