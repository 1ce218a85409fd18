// A typed client for a protobuf-es service over a grpc-js channel. Unary calls return promises,
// server streams are async iterables (breaking out of the loop cancels the call), and every failure
// arrives as an ApiError with the status mapped back to a code.
import type { DescMessage, DescMethod, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import {
  Client,
  Metadata,
  type CallOptions as GrpcCallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type ServiceError,
} from '@grpc/grpc-js';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ApiError, apiErrorFromStatus } from './api-error.ts';
import { MaxMessageBytes, methodDefinition, type MethodsOf } from './service-definition.ts';

export interface CallOptions {
  /** Cancels the call; the call then rejects (or the stream throws) with the signal's reason. */
  signal?: AbortSignal;
  metadata?: Metadata;
  deadline?: Date;
}

type In<I extends DescMessage> = MessageInitShape<I>;

/** The client function of one method, by its streaming kind. */
export type ClientMethod<T> = T extends { input: infer I extends DescMessage; output: infer O extends DescMessage }
  ? T extends { methodKind: 'unary' }
    ? (request: In<I>, options?: CallOptions) => Promise<MessageShape<O>>
    : T extends { methodKind: 'server_streaming' }
      ? (request: In<I>, options?: CallOptions) => AsyncIterable<MessageShape<O>>
      : T extends { methodKind: 'client_streaming' }
        ? (requests: AsyncIterable<In<I>>, options?: CallOptions) => Promise<MessageShape<O>>
        : (requests: AsyncIterable<In<I>>, options?: CallOptions) => AsyncIterable<MessageShape<O>>
  : never;

export type ServiceClient<M extends GenServiceMethods> = { [K in keyof M]: ClientMethod<M[K]> };

/** The client of a generated service: `ClientOf<typeof MachineService>`. */
export type ClientOf<S> = ServiceClient<MethodsOf<S>>;

export interface DialOptions {
  credentials: ChannelCredentials;
  /** The name to verify in the server certificate when it differs from the target's host. */
  serverName?: string;
  channelOptions?: ChannelOptions;
}

/** A channel to `target` (`host:port`, `unix:/path`); share it between service clients, close it once. */
export function dial(target: string, options: DialOptions): Client {
  return new Client(target, options.credentials, {
    'grpc.max_receive_message_length': MaxMessageBytes,
    'grpc.max_send_message_length': MaxMessageBytes,
    ...(options.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': options.serverName }),
    ...options.channelOptions,
  });
}

type Loose = (input: unknown, options?: CallOptions) => unknown;

function grpcOptions(options: CallOptions | undefined): GrpcCallOptions {
  return options?.deadline === undefined ? {} : { deadline: options.deadline };
}

function failure(err: unknown, path: string, signal: AbortSignal | undefined): Error {
  if (signal?.aborted !== true) return apiErrorFromStatus(err, path);
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new ApiError('cancelled', `${path}: cancelled by the caller`, { cause: reason });
}

function cancelOn(signal: AbortSignal | undefined, call: { cancel(): void }): () => void {
  if (signal === undefined) return () => undefined;
  const onAbort = (): void => {
    call.cancel();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => {
    signal.removeEventListener('abort', onAbort);
  };
}

async function writeAll(out: Writable, items: AsyncIterable<unknown>): Promise<void> {
  try {
    for await (const item of items) if (!out.write(item)) await once(out, 'drain');
    out.end();
  } catch (err) {
    out.destroy(err instanceof Error ? err : new Error('request stream failed', { cause: err }));
  }
}

async function* readAll(
  path: string,
  start: () => AsyncIterable<unknown> & { cancel(): void },
  signal: AbortSignal | undefined,
): AsyncGenerator {
  signal?.throwIfAborted();
  const call = start();
  const release = cancelOn(signal, call);
  try {
    for await (const item of call) yield item;
  } catch (err) {
    throw failure(err, path, signal);
  } finally {
    release();
    call.cancel();
  }
}

function unaryLike(
  path: string,
  start: (
    md: Metadata,
    options: GrpcCallOptions,
    cb: (err: ServiceError | null, value?: unknown) => void,
  ) => {
    cancel(): void;
  },
): Loose {
  return (_input, options) =>
    new Promise((resolve, reject) => {
      const signal = options?.signal;
      signal?.throwIfAborted();
      let release = (): void => undefined;
      const call = start(options?.metadata ?? new Metadata(), grpcOptions(options), (err, value) => {
        release();
        if (err !== null) reject(failure(err, path, signal));
        else resolve(value);
      });
      release = cancelOn(signal, call);
    });
}

function clientMethod(channel: Client, method: DescMethod): Loose {
  const def = methodDefinition(method);
  const { path, requestSerialize: ser, responseDeserialize: de } = def;
  switch (method.methodKind) {
    case 'unary':
      return (input, options) =>
        unaryLike(path, (md, o, cb) => channel.makeUnaryRequest(path, ser, de, input as object, md, o, cb))(
          input,
          options,
        );
    case 'client_streaming':
      return (input, options) =>
        unaryLike(path, (md, o, cb) => {
          const call = channel.makeClientStreamRequest(path, ser, de, md, o, cb);
          void writeAll(call, input as AsyncIterable<unknown>);
          return call;
        })(input, options);
    case 'server_streaming':
      return (input, options) =>
        readAll(
          path,
          () =>
            channel.makeServerStreamRequest(path, ser, de, input as object, options?.metadata ?? new Metadata(), {
              ...grpcOptions(options),
            }),
          options?.signal,
        );
    case 'bidi_streaming':
      return (input, options) =>
        readAll(
          path,
          () => {
            const call = channel.makeBidiStreamRequest(
              path,
              ser,
              de,
              options?.metadata ?? new Metadata(),
              grpcOptions(options),
            );
            void writeAll(call, input as AsyncIterable<unknown>);
            return call;
          },
          options?.signal,
        );
  }
}

/** A typed client of `service` on `channel` (see dial); methods are keyed by local name (`version`). */
export function createClient<M extends GenServiceMethods>(service: GenService<M>, channel: Client): ServiceClient<M> {
  return Object.fromEntries(service.methods.map((m) => [m.localName, clientMethod(channel, m)])) as ServiceClient<M>;
}
