// Where etcd's files live on a node, under the platform root (`/` on container and metal, the
// node's --state-dir on the process platform; docs/NODE.md): data on EPHEMERAL, PKI beside the
// other runtime secrets. The PKI is derived from the config's etcd CA at every start, so it never
// needs to survive a reset.
import { join } from 'node:path';

export interface EtcdPaths {
  /** `var/lib/etcd`: etcd's --data-dir. */
  dataDir: string;
  /** `system/secrets/etcd`: the CA, peer, server and admin certificates and keys (0600). */
  pkiDir: string;
  /** A snapshot uploaded by EtcdRecover, restored by the next bootstrap with recovery. */
  recoverSnapshot: string;
}

export function etcdPaths(root: string): EtcdPaths {
  return {
    dataDir: join(root, 'var/lib/etcd'),
    pkiDir: join(root, 'system/secrets/etcd'),
    recoverSnapshot: join(root, 'var/lib/etcd-recover/snapshot.db'),
  };
}

/** The files of the etcd PKI directory. */
export function etcdPkiFiles(pkiDir: string): {
  ca: string;
  peerCert: string;
  peerKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
} {
  return {
    ca: join(pkiDir, 'ca.crt'),
    peerCert: join(pkiDir, 'peer.crt'),
    peerKey: join(pkiDir, 'peer.key'),
    serverCert: join(pkiDir, 'server.crt'),
    serverKey: join(pkiDir, 'server.key'),
    adminCert: join(pkiDir, 'admin.crt'),
    adminKey: join(pkiDir, 'admin.key'),
  };
}
