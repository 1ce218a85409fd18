// The floor for API benchmarks: grpc-js's own unary echo (raw bytes in, the same bytes out) over the
// same mutual TLS as apid, with no proxy, no authorization and no protobuf work.
import { Client, Metadata, Server, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { mutualTlsChannelCredentials, mutualTlsServerCredentials, type TlsMaterial } from '@bronze/machinery';

const path = '/bench.Echo/Echo';
const identity = (b: Buffer): Buffer => b;

export interface EchoFloor {
  call: (payload: Buffer) => Promise<Buffer>;
  close: () => Promise<void>;
}

export async function startEchoFloor(address: string, server: TlsMaterial, client: TlsMaterial): Promise<EchoFloor> {
  const s = new Server();
  s.register(
    path,
    (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      callback(null, call.request);
    },
    identity,
    identity,
    'unary',
  );
  const port = await new Promise<number>((resolve, reject) => {
    s.bindAsync(`${address}:0`, mutualTlsServerCredentials(server), (err, p) => {
      if (err === null) resolve(p);
      else reject(err);
    });
  });
  const c = new Client(`${address}:${port}`, mutualTlsChannelCredentials(client));
  return {
    call: (payload) =>
      new Promise((resolve, reject) => {
        c.makeUnaryRequest(path, identity, identity, payload, new Metadata(), {}, (err, value) => {
          if (err !== null || value === undefined) reject(err ?? new Error('no reply'));
          else resolve(value);
        });
      }),
    close: async () => {
      c.close();
      await new Promise<void>((resolve) => {
        s.tryShutdown(() => {
          resolve();
        });
      });
    },
  };
}
