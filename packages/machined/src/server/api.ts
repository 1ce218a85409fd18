// machined's API: MachineService and cosi.resource.State on the unix socket apid and local tools
// use (mode 0600). Every call is authorized first (call-roles.ts).
import { chmod, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ServerCredentials, type Server } from '@grpc/grpc-js';
import {
  addService,
  createApiServer,
  listenApiServer,
  cosiStateApi,
  machineApi,
  stopApiServer,
  type CallContext,
  type HandlersOf,
} from '@bronze/machinery';
import type { Logger } from '../log/logger.ts';
import { checkAuthorized } from './call-roles.ts';
import { clientConfigHandlers } from './client-config-handler.ts';
import { containerHandlers } from './container-handlers.ts';
import { cosiStateHandlers } from './cosi-state.ts';
import { etcdHandlers } from './etcd-handlers.ts';
import { eventHandlers } from './event-handlers.ts';
import { fileHandlers } from './file-handlers.ts';
import { guardHandlers } from './guard.ts';
import { infoHandlers } from './info-handlers.ts';
import { kubeconfigHandlers } from './kubeconfig-handler.ts';
import { lifecycleHandlers } from './lifecycle-handlers.ts';
import type { NodeApi } from './node-api.ts';
import { serviceHandlers } from './service-handlers.ts';
import { systemHandlers } from './system-handlers.ts';

export interface MachineApiServer {
  readonly socket: string;
  stop(): Promise<void>;
}

export function machineServiceHandlers(node: NodeApi): HandlersOf<typeof machineApi.MachineService> {
  return {
    ...infoHandlers(node),
    ...serviceHandlers(node),
    ...eventHandlers(node),
    ...lifecycleHandlers(node),
    ...clientConfigHandlers(node),
    ...systemHandlers(node),
    ...fileHandlers(node),
    ...etcdHandlers(node),
    ...kubeconfigHandlers(node),
    ...containerHandlers(node),
  };
}

export async function startMachineApi(node: NodeApi, options: { logger: Logger }): Promise<MachineApiServer> {
  const socket = node.platform.paths.machinedSocket;
  await mkdir(dirname(socket), { recursive: true, mode: 0o700 });
  await rm(socket, { force: true });
  const server = createApiServer();
  const check = (ctx: CallContext): void => {
    checkAuthorized(ctx, { maintenance: node.maintenance() });
  };
  const onError = (err: unknown, ctx: CallContext): void => {
    options.logger.debug('api call failed', {
      method: ctx.method,
      error: err instanceof Error ? err.message : String(err),
    });
  };
  addService(server, {
    service: machineApi.MachineService,
    handlers: guardHandlers(machineApi.MachineService, machineServiceHandlers(node), check),
    onError,
  });
  addService(server, {
    service: cosiStateApi.State,
    handlers: guardHandlers(cosiStateApi.State, cosiStateHandlers(node), check),
    onError,
  });
  await listen(server, socket);
  return {
    socket,
    stop: async () => {
      await stopApiServer(server, { graceMs: 1000 });
      await rm(socket, { force: true });
    },
  };
}

async function listen(server: Server, socket: string): Promise<void> {
  // The socket is created with the process umask; tighten it before anyone is told it exists.
  const old = process.umask(0o177);
  try {
    await listenApiServer(server, { address: `unix:${socket}`, credentials: ServerCredentials.createInsecure() });
  } finally {
    process.umask(old);
  }
  await chmod(socket, 0o600);
}
