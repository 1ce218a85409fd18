// ServiceList, ServiceStart/Stop/Restart, Logs (tail, follow) and LogsContainers, from the supervisor.
import { ApiError, commonApi, type HandlersOf, type machineApi } from '@bronze/machinery';
import { isServiceNotFoundError, type ServiceInfo } from '../services/service.ts';
import { criLogs } from './cri-log-handler.ts';
import { replyMetadata } from './info-handlers.ts';
import type { NodeApi } from './node-api.ts';

type Handlers = HandlersOf<typeof machineApi.MachineService>;

function timestamp(d: Date): { seconds: bigint; nanos: number } {
  const ms = d.getTime();
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

function wireService(s: ServiceInfo) {
  return {
    id: s.id,
    state: s.state,
    events: { events: s.events.map((e) => ({ msg: e.message, state: e.state, ts: timestamp(e.time) })) },
    health: {
      unknown: s.health.unknown,
      healthy: s.health.healthy,
      lastMessage: s.health.lastMessage,
      lastChange: timestamp(s.health.lastChange),
    },
  };
}

/** Service errors as API errors: an unknown service is NOT_FOUND with the known ones listed. */
function serviceCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isServiceNotFoundError(err)) throw new ApiError('not-found', err.message, { cause: err });
    throw err;
  }
}

function serviceId(id: string): string {
  if (id === '')
    throw new ApiError('invalid-argument', 'the request names no service; pass its id (osctl services lists them)');
  return id;
}

export function serviceHandlers(node: NodeApi): Handlers {
  return {
    serviceList: () => ({
      messages: [{ metadata: replyMetadata(node), services: node.supervisor().list().map(wireService) }],
    }),
    serviceStart: (req) => {
      const id = serviceId(req.id);
      serviceCall(() => {
        node.supervisor().start(id);
      });
      return { messages: [{ metadata: replyMetadata(node), resp: `Service "${id}" started` }] };
    },
    serviceStop: async (req) => {
      const id = serviceId(req.id);
      const supervisor = node.supervisor();
      serviceCall(() => supervisor.get(id));
      await supervisor.stop(id);
      return { messages: [{ metadata: replyMetadata(node), resp: `Service "${id}" stopped` }] };
    },
    serviceRestart: async (req) => {
      const id = serviceId(req.id);
      const supervisor = node.supervisor();
      serviceCall(() => supervisor.get(id));
      await supervisor.restart(id);
      return { messages: [{ metadata: replyMetadata(node), resp: `Service "${id}" restarted` }] };
    },
    logs: async function* (req, ctx) {
      if (req.driver === commonApi.ContainerDriver.CRI) {
        // A Kubernetes container (`osctl logs -k`): the kubelet's log file of it.
        const signal = AbortSignal.any([ctx.signal, node.bootSignal()]);
        const encoder = new TextEncoder();
        const lines = criLogs(node, req, { signal });
        if (!req.follow) {
          const all: string[] = [];
          for await (const line of lines) all.push(line);
          if (all.length > 0) yield { metadata: replyMetadata(node), bytes: encoder.encode(`${all.join('\n')}\n`) };
          return;
        }
        for await (const line of lines) yield { metadata: replyMetadata(node), bytes: encoder.encode(`${line}\n`) };
        return;
      }
      const id = serviceId(req.id);
      const ring = serviceCall(() => node.supervisor().logs(id));
      // As Talos: a negative tailLines means every retained line, otherwise the last tailLines.
      const tail = req.tailLines < 0 ? undefined : req.tailLines;
      const encoder = new TextEncoder();
      if (!req.follow) {
        const lines = ring.tail(tail ?? Number.MAX_SAFE_INTEGER);
        if (lines.length > 0) yield { metadata: replyMetadata(node), bytes: encoder.encode(`${lines.join('\n')}\n`) };
        return;
      }
      const signal = AbortSignal.any([ctx.signal, node.bootSignal()]);
      for await (const line of ring.follow({ signal, ...(tail === undefined ? {} : { tailLines: tail }) })) {
        yield { metadata: replyMetadata(node), bytes: encoder.encode(`${line}\n`) };
      }
    },
    logsContainers: () => ({
      messages: [{ metadata: replyMetadata(node), ids: node.supervisor().ids() }],
    }),
  };
}
