// Typed handlers for a protobuf-es service, adapted to grpc-js. Handlers are plain async functions
// (async generators for streams) that receive a CallContext; every failure goes through
// serverStatusOf, the one place where domain errors become gRPC status codes.
import type { DescMessage, DescMethod, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import {
  status,
  type Metadata,
  type Server,
  type ServerErrorResponse,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { PeerCertificate } from 'node:tls';
import { ApiError, serverStatusOf } from './api-error.ts';
import { peerIdentityOf, type PeerIdentity } from './mutual-tls.ts';
import { grpcServiceDefinition, methodPath, type MethodsOf } from './service-definition.ts';

/** What a handler knows about the call besides its request. */
export interface CallContext {
  /** `/package.Service/Method` */
  readonly method: string;
  readonly metadata: Metadata;
  /** Aborted when the client cancels, disconnects or its deadline passes. */
  readonly signal: AbortSignal;
  /** The verified client certificate; undefined on a connection without one (unix socket, maintenance). */
  readonly peer: PeerIdentity | undefined;
  /** The transport address of the caller, as grpc-js reports it. */
  readonly remoteAddress: string;
}

type Out<O extends DescMessage> = MessageInitShape<O>;

/** The handler type of one method, by its streaming kind. */
export type MethodHandler<T> = T extends { input: infer I extends DescMessage; output: infer O extends DescMessage }
  ? T extends { methodKind: 'unary' }
    ? (request: MessageShape<I>, ctx: CallContext) => Promise<Out<O>> | Out<O>
    : T extends { methodKind: 'server_streaming' }
      ? (request: MessageShape<I>, ctx: CallContext) => AsyncIterable<Out<O>>
      : T extends { methodKind: 'client_streaming' }
        ? (requests: AsyncIterable<MessageShape<I>>, ctx: CallContext) => Promise<Out<O>>
        : (requests: AsyncIterable<MessageShape<I>>, ctx: CallContext) => AsyncIterable<Out<O>>
  : never;

export type ServiceHandlers<M extends GenServiceMethods> = { [K in keyof M]: MethodHandler<M[K]> };

/** Handlers of a generated service, any subset: `HandlersOf<typeof MachineService>`. */
export type HandlersOf<S> = Partial<ServiceHandlers<MethodsOf<S>>>;

/** A service and the handlers that serve it. */
export interface ServiceImplementation<M extends GenServiceMethods> {
  service: GenService<M>;
  /** Handlers by the methods' local names (`version`, `logs`, `cPUInfo`); missing ones are UNIMPLEMENTED. */
  handlers: Partial<ServiceHandlers<NoInfer<M>>>;
  /** Sees every failure before it is sent (for logging); a client's own cancellation is not reported. */
  onError?: (err: unknown, ctx: CallContext) => void;
}

// grpc-js call objects, as far as the adapters below use them.
interface SurfaceCall {
  metadata: Metadata;
  getPeer(): string;
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
  on(event: 'cancelled', listener: () => void): unknown;
  off(event: 'cancelled', listener: () => void): unknown;
}
type Callback = (err: ServerErrorResponse | null, value?: object) => void;
type LooseHandler = (input: unknown, ctx: CallContext) => unknown;

function openContext(call: SurfaceCall, path: string): { ctx: CallContext; close: () => void } {
  const controller = new AbortController();
  const onCancel = (): void => {
    controller.abort(
      new ApiError('cancelled', `${path}: the call was cancelled, its client went away or its deadline passed`),
    );
  };
  call.on('cancelled', onCancel);
  const ctx: CallContext = {
    method: path,
    metadata: call.metadata,
    signal: controller.signal,
    peer: peerIdentityOf(call),
    remoteAddress: call.getPeer(),
  };
  return { ctx, close: () => call.off('cancelled', onCancel) };
}

async function writeAll(out: Writable, items: AsyncIterable<unknown>, signal: AbortSignal): Promise<void> {
  for await (const item of items) {
    signal.throwIfAborted();
    if (!out.write(item)) await once(out, 'drain', { signal });
  }
}

function adapt(
  method: DescMethod,
  handler: LooseHandler,
  onError?: ServiceImplementation<never>['onError'],
): UntypedHandleCall {
  const path = methodPath(method);
  const fail = (err: unknown, ctx: CallContext): ServerErrorResponse => {
    onError?.(err, ctx);
    return serverStatusOf(err) as ServerErrorResponse;
  };
  const answer = (call: SurfaceCall, input: unknown, callback: Callback): void => {
    const { ctx, close } = openContext(call, path);
    void (async () => (await handler(input, ctx)) as object)()
      .then(
        (value) => {
          callback(null, value);
        },
        (err: unknown) => {
          callback(fail(err, ctx));
        },
      )
      .finally(close);
  };
  const stream = (call: SurfaceCall & Writable, input: unknown): void => {
    const { ctx, close } = openContext(call, path);
    void (async () => {
      await writeAll(call, handler(input, ctx) as AsyncIterable<unknown>, ctx.signal);
    })()
      .then(
        () => call.end(),
        (err: unknown) => {
          if (ctx.signal.aborted) call.end();
          else call.emit('error', fail(err, ctx));
        },
      )
      .finally(close);
  };
  switch (method.methodKind) {
    case 'unary':
      return (call: SurfaceCall & { request: unknown }, callback: Callback) => {
        answer(call, call.request, callback);
      };
    case 'client_streaming':
      return (call: SurfaceCall, callback: Callback) => {
        answer(call, call, callback);
      };
    case 'server_streaming':
      return (call: SurfaceCall & Writable & { request: unknown }) => {
        stream(call, call.request);
      };
    case 'bidi_streaming':
      return (call: SurfaceCall & Writable) => {
        stream(call, call);
      };
  }
}

function unimplemented(method: DescMethod): UntypedHandleCall {
  const response = { code: status.UNIMPLEMENTED, details: `this server does not implement ${method.name}` };
  if (method.methodKind === 'unary' || method.methodKind === 'client_streaming') {
    return (_call: unknown, callback: Callback) => {
      callback(response as ServerErrorResponse);
    };
  }
  return (call: Writable) => call.emit('error', response);
}

/** grpc-js handlers for a service; methods without a handler answer UNIMPLEMENTED. */
export function implementService<M extends GenServiceMethods>(
  impl: ServiceImplementation<M>,
): UntypedServiceImplementation {
  const loose = impl.handlers as Partial<Record<string, LooseHandler>>;
  return Object.fromEntries(
    impl.service.methods.map((m) => {
      const handler = loose[m.localName];
      return [m.localName, handler === undefined ? unimplemented(m) : adapt(m, handler, impl.onError)];
    }),
  );
}

/** Registers a service with its handlers on a grpc-js server. */
export function addService<M extends GenServiceMethods>(server: Server, impl: ServiceImplementation<M>): void {
  server.addService(grpcServiceDefinition(impl.service), implementService(impl));
}
