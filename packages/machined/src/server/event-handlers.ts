// Events (tail N, since an id, tail seconds, by actor; then live) and Dmesg (the kernel log when the
// platform can read it, UNIMPLEMENTED with the reason otherwise).
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type HandlersOf, type machineApi } from '@bronze/machinery';
import { isEventQueryError, isEventsLaggedError } from '../events/event-errors.ts';
import type { EventQuery } from '../events/event-ring.ts';
import { toWireEvent } from './event-codec.ts';
import { replyMetadata } from './info-handlers.ts';
import type { NodeApi } from './node-api.ts';

type Handlers = HandlersOf<typeof machineApi.MachineService>;

export function eventQueryOf(req: machineApi.EventsRequest): EventQuery {
  return {
    ...(req.tailEvents === 0 ? {} : { tailEvents: req.tailEvents }),
    ...(req.tailId === '' ? {} : { sinceId: req.tailId }),
    ...(req.tailSeconds === 0 ? {} : { tailSeconds: req.tailSeconds }),
    ...(req.withActorId === '' ? {} : { actorId: req.withActorId }),
  };
}

export function eventHandlers(node: NodeApi): Handlers {
  return {
    events: async function* (req, ctx) {
      try {
        for await (const event of node.events.subscribe({ ...eventQueryOf(req), signal: ctx.signal })) {
          yield toWireEvent(event, node.hostname());
        }
      } catch (err) {
        if (isEventQueryError(err)) throw new ApiError('invalid-argument', err.message, { cause: err });
        if (isEventsLaggedError(err)) throw new ApiError('aborted', err.message, { cause: err });
        throw err;
      }
    },
    dmesg: async function* (req, ctx) {
      // `tail`: only messages written after the call, as Talos's DmesgRequest has it.
      let seen = req.tail ? await lineCount(node) : 0;
      for (;;) {
        const log = await node.platform.kernelLog();
        if ('unavailable' in log) throw new ApiError('unimplemented', log.unavailable);
        const fresh = log.lines.slice(seen);
        seen = log.lines.length;
        if (fresh.length > 0) {
          yield { metadata: replyMetadata(node), bytes: new TextEncoder().encode(`${fresh.join('\n')}\n`) };
        }
        if (!req.follow) return;
        await sleep(1000, undefined, { signal: ctx.signal });
      }
    },
  };
}

async function lineCount(node: NodeApi): Promise<number> {
  const log = await node.platform.kernelLog();
  return 'lines' in log ? log.lines.length : 0;
}
