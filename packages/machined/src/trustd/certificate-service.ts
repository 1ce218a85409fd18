// securityapi.SecurityService/Certificate: a joining node sends a CSR with the machine token in
// metadata `token`; trustd signs it with the OS CA for server authentication only, without any
// Organization (so nobody can mint a role), and returns the accepted CAs and the certificate.
import { timingSafeEqual } from 'node:crypto';
import { ApiError, parseCsrPem, type securityApi, signCsr, type HandlersOf } from '@bronze/machinery';
import type { Logger } from '@bronze/runtime';
import type { Metadata } from '@grpc/grpc-js';
import { FailureLimiter, peerHost } from './failure-limiter.ts';
import { sha256, type TrustdSecrets } from './trustd-secrets.ts';

export const TokenMetadataKey = 'token';

/** Lifetime of the certificates trustd signs (24 h, as Talos). */
export const SignedLifetimeMs = 24 * 3_600_000;

/** Whether `metadata` carries the machine token; hashes are compared in constant time. */
export function tokenMatches(metadata: Metadata, tokenHash: Buffer): boolean {
  const values = metadata.get(TokenMetadataKey);
  if (values.length !== 1) return false;
  const [value] = values;
  const given = sha256(typeof value === 'string' ? value : (value?.toString('utf8') ?? ''));
  return timingSafeEqual(given, tokenHash);
}

export function certificateHandlers(
  secrets: () => TrustdSecrets | undefined,
  logger: Logger,
  limiter: FailureLimiter = new FailureLimiter(),
): HandlersOf<typeof securityApi.SecurityService> {
  return {
    certificate: async (request, ctx) => {
      const current = secrets();
      if (current === undefined) throw new ApiError('unavailable', 'trustd has no OS CA yet: retry shortly');
      const host = peerHost(ctx.remoteAddress);
      const waitMs = limiter.blockedFor(host);
      if (waitMs > 0) {
        throw new ApiError(
          'resource-exhausted',
          `too many certificate requests with a wrong token from ${host}: retry in ${String(Math.ceil(waitMs / 1000))}s`,
        );
      }
      if (!tokenMatches(ctx.metadata, current.tokenHash)) {
        limiter.recordFailure(host);
        logger.warn('certificate request with a wrong or missing token', { peer: ctx.remoteAddress });
        throw new ApiError('permission-denied', 'the machine token in metadata "token" is missing or wrong');
      }
      limiter.recordSuccess(host);
      const pem = Buffer.from(request.csr).toString('utf8');
      let requested;
      try {
        requested = await parseCsrPem(pem, 'csr');
      } catch (err) {
        throw new ApiError('invalid-argument', 'the csr is not a valid PEM certificate request', { cause: err });
      }
      const certificate = await signCsr(current.issuer, pem, {
        extKeyUsage: ['serverAuth'],
        organizations: [],
        lifetimeMs: SignedLifetimeMs,
      });
      logger.info('signed a server certificate', {
        peer: ctx.remoteAddress,
        commonName: requested.commonName,
        ips: requested.ipAddresses,
        dnsNames: requested.dnsNames,
      });
      return { ca: Buffer.from(current.acceptedCAs), crt: Buffer.from(certificate.pem) };
    },
  };
}
