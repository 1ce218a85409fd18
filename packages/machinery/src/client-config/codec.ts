import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Node } from 'yaml';
import { ClientConfigError, type ClientConfig, type ClientContext } from './client-config.ts';

const stringFields = ['ca', 'crt', 'key', 'cluster', 'proxy-url'] as const;
const listFields = ['endpoints', 'nodes'] as const;

/**
 * Parses a talosconfig strictly. An empty file, malformed YAML, unknown fields and wrong types are
 * ClientConfigErrors naming `source`, the path and line:column. The legacy `target` field becomes
 * `endpoints`, as talosctl upgrades it.
 */
export function parseClientConfig(text: string, source = 'talosconfig'): ClientConfig {
  if (text.trim() === '') {
    throw new ClientConfigError(`${source} is empty: generate one with "osctl gen config" or pass --talosconfig`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const fail = (node: Node | null | undefined, message: string): never => {
    const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
    throw new ClientConfigError(`${source}${pos ? `:${pos.line}:${pos.col}` : ''}: ${message}`);
  };
  const [firstError] = doc.errors;
  if (firstError) {
    const pos = lines.linePos(firstError.pos[0]);
    throw new ClientConfigError(`${source}:${pos.line}:${pos.col}: ${firstError.message.split('\n')[0] ?? ''}`);
  }
  const root = doc.contents;
  if (!isMap(root)) return fail(root, 'want a mapping with "context" and "contexts"');
  const config: ClientConfig = { context: '', contexts: {} };
  for (const item of root.items) {
    const key = scalarKey(item.key);
    const value = item.value as Node | null;
    if (key === 'context') {
      config.context = isScalar(value) && value.value === null ? '' : stringValue(value, 'context', fail);
    } else if (key === 'contexts') {
      if (isScalar(value) && value.value === null) continue;
      if (!isMap(value)) return fail(value, 'contexts: want a mapping of context names');
      for (const entry of value.items) {
        const name = scalarKey(entry.key);
        config.contexts[name] = parseContext(entry.value as Node | null, `contexts.${name}`, fail);
      }
    } else {
      fail(item.key, `${key}: unknown field (known: context, contexts)`);
    }
  }
  return config;
}

type Fail = (node: Node | null | undefined, message: string) => never;

function parseContext(node: Node | null, path: string, fail: Fail): ClientContext {
  if (!isMap(node)) return fail(node, `${path}: want a mapping`);
  const context: ClientContext = { endpoints: [] };
  let target: string[] = [];
  for (const item of node.items) {
    const key = scalarKey(item.key);
    const value = item.value as Node | null;
    const field = `${path}.${key}`;
    if ((listFields as readonly string[]).includes(key)) {
      const list = stringList(value, field, fail);
      if (key === 'endpoints') context.endpoints = list;
      else context.nodes = list;
    } else if (key === 'target') {
      // Old talosctl wrote one endpoint as a string.
      const single = stringValue(value, field, fail);
      target = single === '' ? [] : [single];
    } else if ((stringFields as readonly string[]).includes(key)) {
      context[key as (typeof stringFields)[number]] = stringValue(value, field, fail);
    } else if (key === 'auth') {
      if (!isMap(value)) return fail(value, `${field}: want a mapping`);
      context.auth = value.toJSON() as Record<string, unknown>;
    } else {
      fail(
        item.key as Node,
        `${field}: unknown field (known: endpoints, nodes, ca, crt, key, auth, cluster, proxy-url)`,
      );
    }
  }
  if (context.endpoints.length === 0 && target.length > 0) context.endpoints = target;
  return context;
}

function scalarKey(key: unknown): string {
  return isScalar(key) ? String(key.value) : '';
}

function stringValue(node: Node | null, field: string, fail: Fail): string {
  if (isScalar(node) && typeof node.value === 'string') return node.value;
  if (isScalar(node) && node.value === null) return '';
  return fail(node, `${field}: want a string, found ${isScalar(node) ? JSON.stringify(node.value) : 'a collection'}`);
}

function stringList(node: Node | null, field: string, fail: Fail): string[] {
  if (isScalar(node) && node.value === null) return [];
  if (!isSeq(node)) return fail(node, `${field}: want a list of strings`);
  return node.items.map((item, i) => {
    const n = item as Node | null;
    if (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number')) return String(n.value);
    return fail(n, `${field}[${i}]: want a string`);
  });
}

/** Serializes like talosctl: `context`, then `contexts` with endpoints, nodes, ca, crt, key (4-space indent). */
export function serializeClientConfig(config: ClientConfig): string {
  const contexts: Record<string, Record<string, unknown>> = {};
  for (const [name, ctx] of Object.entries(config.contexts)) {
    const out: Record<string, unknown> = { endpoints: ctx.endpoints };
    if (ctx.nodes !== undefined && ctx.nodes.length > 0) out['nodes'] = ctx.nodes;
    for (const field of ['ca', 'crt', 'key'] as const) if (ctx[field] !== undefined) out[field] = ctx[field];
    if (ctx.auth !== undefined) out['auth'] = ctx.auth;
    if (ctx.cluster !== undefined && ctx.cluster !== '') out['cluster'] = ctx.cluster;
    if (ctx['proxy-url'] !== undefined && ctx['proxy-url'] !== '') out['proxy-url'] = ctx['proxy-url'];
    contexts[name] = out;
  }
  return stringify({ context: config.context, contexts }, { indent: 4, lineWidth: 0 });
}
