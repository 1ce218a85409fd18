// apid's services: every method of the services it fronts, registered with raw-bytes (identity)
// codecs, so apid never decodes a request or a reply. Each call is planned (roles, authorization,
// route) and then forwarded to one upstream or fanned out.
import type { DescService } from '@bufbuild/protobuf';
import type {
  Client,
  MethodDefinition,
  Server,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  UntypedHandleCall,
  sendUnaryData,
} from '@grpc/grpc-js';
import {
  ApiError,
  clusterApi,
  cosiStateApi,
  inspectApi,
  machineApi,
  methodPath,
  serverStatusOf,
} from '@bronze/machinery';
import type { Logger } from '@bronze/runtime';
import { planCall, type CallPlan, type PlanOptions } from './call-plan.ts';
import { fanOutServerStream, fanOutUnary } from './fan-out.ts';
import { forwardBidiStream, forwardClientStream, forwardServerStream, forwardUnary, raw } from './forward.ts';

/** The services apid fronts. */
export const ProxiedServices: readonly DescService[] = [
  machineApi.MachineService,
  cosiStateApi.State,
  clusterApi.ClusterService,
  inspectApi.InspectService,
];

/** What the proxy needs to know at the moment a call arrives (mode and certificates may change). */
export interface ProxyEnvironment {
  plan: () => PlanOptions;
  local: () => Client;
  remote: (node: string) => Client;
  logger: Logger;
}

type Fail = (err: unknown) => ReturnType<typeof serverStatusOf>;

function rawDefinition(
  path: string,
  requestStream: boolean,
  responseStream: boolean,
): MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream,
    responseStream,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  };
}

function channelFor(plan: CallPlan, env: ProxyEnvironment): Client {
  if (plan.route.kind === 'node') return env.remote(plan.route.node);
  return env.local();
}

function handlerFor(path: string, kind: string, env: ProxyEnvironment, fail: Fail): UntypedHandleCall {
  const plan = (call: Parameters<typeof planCall>[0]): CallPlan => planCall(call, path, env.plan());
  const target = (p: CallPlan) => ({ channel: channelFor(p, env), path, metadata: p.metadata });
  switch (kind) {
    case 'unary':
      return (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        try {
          const p = plan(call);
          if (p.route.kind === 'nodes') {
            fanOutUnary(call, callback, { channelOf: env.remote, nodes: p.route.nodes, path, metadata: p.metadata });
          } else forwardUnary(call, callback, target(p));
        } catch (err) {
          callback(fail(err));
        }
      };
    case 'server_streaming':
      return (call: ServerWritableStream<Buffer, Buffer>) => {
        try {
          const p = plan(call);
          if (p.route.kind === 'nodes') {
            fanOutServerStream(call, { channelOf: env.remote, nodes: p.route.nodes, path, metadata: p.metadata });
          } else forwardServerStream(call, target(p));
        } catch (err) {
          call.emit('error', fail(err));
        }
      };
    case 'client_streaming':
      return (call: ServerReadableStream<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        try {
          const p = plan(call);
          if (p.route.kind === 'nodes') throw new ApiError('invalid-argument', `${path} cannot fan out: use "node"`);
          forwardClientStream(call, callback, target(p));
        } catch (err) {
          callback(fail(err));
        }
      };
    default:
      return (call: ServerDuplexStream<Buffer, Buffer>) => {
        try {
          const p = plan(call);
          if (p.route.kind === 'nodes') throw new ApiError('invalid-argument', `${path} cannot fan out: use "node"`);
          forwardBidiStream(call, target(p));
        } catch (err) {
          call.emit('error', fail(err));
        }
      };
  }
}

/** Registers every method of ProxiedServices on `server`, forwarding through `env`. */
export function addProxyServices(server: Server, env: ProxyEnvironment): void {
  const fail: Fail = (err) => {
    const s = serverStatusOf(err);
    env.logger.debug('call refused', { code: s.code, details: s.details });
    return s;
  };
  for (const service of ProxiedServices) {
    const definition: Record<string, MethodDefinition<Buffer, Buffer>> = {};
    const handlers: Record<string, UntypedHandleCall> = {};
    for (const method of service.methods) {
      const path = methodPath(method);
      const kind = method.methodKind;
      const requestStream = kind === 'client_streaming' || kind === 'bidi_streaming';
      const responseStream = kind === 'server_streaming' || kind === 'bidi_streaming';
      definition[method.localName] = rawDefinition(path, requestStream, responseStream);
      handlers[method.localName] = handlerFor(path, kind, env, fail);
    }
    server.addService(definition, handlers);
  }
}
