// cosi.resource.State on machined's socket: Get, List and Watch (bootstrap, tail events, bookmarks)
// of the node's resources; Create, Update, Destroy and Teardown are always refused (resources are
// written by controllers only). Sensitive types need os:admin.
import { ApiError, cosiStateApi, type CallContext, type HandlersOf } from '@bronze/machinery';
import type { Kind, ResourceDefinition, WatchEvent } from '@bronze/runtime';
import { canReadSensitive } from './call-roles.ts';
import { decodeBookmark, encodeBookmark, fromWireIdQuery, fromWireLabelQuery, toWireResource } from './cosi-codec.ts';
import type { NodeApi } from './node-api.ts';

type Handlers = HandlersOf<typeof cosiStateApi.State>;

function resolveKind(node: NodeApi, request: { namespace: string; type: string }, ctx: CallContext): Kind {
  const def: ResourceDefinition | undefined = node.registry.lookup(request.type);
  if (def === undefined) {
    throw new ApiError(
      'not-found',
      `resource type ${JSON.stringify(request.type)} is not registered on this node; list them with osctl get rd`,
    );
  }
  if (def.sensitive && !canReadSensitive(ctx)) {
    throw new ApiError('permission-denied', `not authorized: ${def.type} is sensitive and needs os:admin`);
  }
  return { namespace: request.namespace === '' ? def.defaultNamespace : request.namespace, type: def.type };
}

function readOnly(verb: string): never {
  throw new ApiError(
    'permission-denied',
    `${verb} is not allowed through the API: node resources are written by machined's controllers only`,
  );
}

export function cosiStateHandlers(node: NodeApi): Handlers {
  return {
    get: async (req, ctx) => {
      const kind = resolveKind(node, req, ctx);
      const res = await node.state().get({ ...kind, id: req.id });
      return { resource: toWireResource(res) };
    },
    list: async function* (req, ctx) {
      const kind = resolveKind(node, req, ctx);
      const labels = fromWireLabelQuery(req.options?.labelQuery ?? []);
      const idPattern = fromWireIdQuery(req.options?.idQuery);
      const list = await node
        .state()
        .list(kind, { ...(labels === undefined ? {} : { labels }), ...(idPattern === undefined ? {} : { idPattern }) });
      for (const res of list) yield { resource: toWireResource(res) };
    },
    watch: async function* (req, ctx) {
      const kind = resolveKind(node, req, ctx);
      const o = req.options;
      const signal = AbortSignal.any([ctx.signal, node.bootSignal()]);
      const common = {
        signal,
        bootstrap: o?.bootstrapContents ?? false,
        ...(o !== undefined && o.tailEvents > 0 ? { tailEvents: o.tailEvents } : {}),
        ...(o?.startFromBookmark === undefined ? {} : { sinceRevision: decodeBookmark(o.startFromBookmark) }),
      };
      const state = node.state();
      const watcher =
        req.id !== undefined && req.id !== ''
          ? state.watch({ ...kind, id: req.id }, common)
          : state.watchKind(kind, {
              ...common,
              ...optional('labels', fromWireLabelQuery(o?.labelQuery ?? [])),
              ...optional('idPattern', fromWireIdQuery(o?.idQuery)),
            });
      try {
        for await (const event of watcher) yield { event: [toWireEvent(event)] };
      } finally {
        watcher.close();
      }
    },
    create: () => readOnly('Create'),
    update: () => readOnly('Update'),
    destroy: () => readOnly('Destroy'),
    teardown: () => readOnly('Teardown'),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

interface WireEvent {
  eventType: cosiStateApi.EventType;
  resource?: ReturnType<typeof toWireResource>;
  old?: ReturnType<typeof toWireResource>;
  bookmark?: Uint8Array;
  error?: string;
}

function toWireEvent(event: WatchEvent): WireEvent {
  const { EventType } = cosiStateApi;
  switch (event.type) {
    case 'created':
      return {
        eventType: EventType.CREATED,
        resource: toWireResource(event.resource),
        bookmark: encodeBookmark(event.revision),
      };
    case 'updated':
    case 'destroyed':
      return {
        eventType: event.type === 'updated' ? EventType.UPDATED : EventType.DESTROYED,
        resource: toWireResource(event.resource),
        old: toWireResource(event.old),
        bookmark: encodeBookmark(event.revision),
      };
    case 'bootstrapped':
      return { eventType: EventType.BOOTSTRAPPED, bookmark: encodeBookmark(event.revision) };
    case 'errored':
      return { eventType: EventType.ERRORED, error: event.error.message };
  }
}
