// Who is calling apid, and with which roles. In normal mode TLS has already verified the client
// certificate's chain against the accepted OS CAs; here the leaf must carry ExtKeyUsage ClientAuth
// and nothing else, and its Organization values are the roles. A peer holding os:impersonator (another
// node's apid) speaks for its own caller: its `talos-role` metadata is the roles. From anyone else
// that metadata is ignored (and stripped before forwarding). In maintenance mode everyone is a reader.
import { ApiError, AuthzRole, ExtKeyUsage, RoleMetadataKey, type PeerIdentity } from '@bronze/machinery';
import type { Metadata } from '@grpc/grpc-js';

export interface CallerRoles {
  roles: string[];
  /** The peer is another apid acting for its caller. */
  impersonated: boolean;
}

function metadataRoles(md: Metadata): string[] {
  return md
    .get(RoleMetadataKey)
    .flatMap((v) => (typeof v === 'string' ? v : v.toString('utf8')).split(','))
    .map((r) => r.trim())
    .filter((r) => r !== '');
}

/** The roles of a call; throws UNAUTHENTICATED for a certificate that is not a client certificate. */
export function callerRoles(
  peer: PeerIdentity | undefined,
  metadata: Metadata,
  options: { maintenance: boolean },
): CallerRoles {
  if (options.maintenance) return { roles: [AuthzRole.reader], impersonated: false };
  if (peer === undefined) {
    throw new ApiError('unauthenticated', 'no client certificate: present one signed by the OS CA (talosconfig)');
  }
  const usage = peer.extKeyUsage;
  if (usage.length !== 1 || usage[0] !== ExtKeyUsage.clientAuth) {
    throw new ApiError(
      'unauthenticated',
      `client certificate "${peer.commonName}" has extended key usage [${usage.join(', ')}]: it must be client authentication only`,
    );
  }
  const own = [...new Set(peer.organizations.filter((o) => o.startsWith('os:')))];
  if (own.includes(AuthzRole.impersonator)) {
    const forwarded = metadataRoles(metadata);
    if (forwarded.length > 0) return { roles: [...new Set(forwarded)], impersonated: true };
  }
  return { roles: own, impersonated: false };
}
