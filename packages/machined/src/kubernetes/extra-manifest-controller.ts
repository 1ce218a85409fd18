// The user's own manifests on a control plane, as Manifest resources beside the bootstrap ones:
// cluster.inlineManifests (id `99-NAME`), cluster.extraManifests downloaded with
// cluster.extraManifestHeaders (id `99-URL`) and a custom CNI's cluster.network.cni.urls (id
// `05-URL`, so they apply with the CNI's place in the order). ManifestApplyController applies them.
//
// A download that fails is retried with capped exponential backoff (a timer that wakes the loop) and
// keeps the objects of its last good download meanwhile; contents that are not Kubernetes objects are
// refused whole (validation already refuses such inline manifests), and both are logged once per
// distinct error. URLs are downloaded again when the machine config changes, as in Talos.
import { ManifestDocumentError, parseManifestObjects, type KubeObject } from '@bronze/machinery';
import { shared, weak, type Controller, type ControllerContext } from '@bronze/runtime';
import { parseMachineConfig } from '../controllers/config-facts.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { Manifest } from './manifest-resources.ts';

export interface ExtraManifestOptions {
  /** Retry delays (ms) for failed downloads: default 1 s doubling up to 60 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** One download's limit: default 60 s. */
  timeoutMs?: number;
}

/** A manifest bigger than this is refused (a wrong URL that serves an image, say). */
export const MaxManifestBytes = 16 * 1024 * 1024;

interface Source {
  id: string;
  /** Where it comes from, for the log: `cluster.inlineManifests[0] (NAME)` or the URL. */
  where: string;
  inline?: string;
  url?: string;
  headers?: Record<string, string>;
}

function sourcesOf(spec: string): Source[] {
  const config = parseMachineConfig(spec);
  if (config?.isControlPlane() !== true) return [];
  const cluster = config.v1alpha1()?.cluster;
  const out: Source[] = [];
  if (cluster?.network?.cni?.name === 'custom')
    for (const url of cluster.network.cni.urls ?? []) out.push({ id: `05-${url}`, where: url, url });
  const headers = cluster?.extraManifestHeaders ?? {};
  for (const url of cluster?.extraManifests ?? []) out.push({ id: `99-${url}`, where: url, url, headers });
  (cluster?.inlineManifests ?? []).forEach((m, i) => {
    if (m.name !== undefined && m.name !== '')
      out.push({
        id: `99-${m.name}`,
        where: `cluster.inlineManifests[${String(i)}] (${m.name})`,
        inline: m.contents ?? '',
      });
  });
  return out;
}

async function download(source: Source & { url: string }, timeoutMs: number, signal: AbortSignal): Promise<string> {
  let reply: Response;
  try {
    reply = await fetch(source.url, {
      headers: source.headers ?? {},
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (err) {
    const why = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new Error(`cannot download ${source.url}: ${why}`, { cause: err });
  }
  if (!reply.ok) {
    await reply.body?.cancel();
    throw new Error(`cannot download ${source.url}: HTTP ${String(reply.status)} ${reply.statusText}`);
  }
  const size = Number(reply.headers.get('content-length') ?? '0');
  if (size > MaxManifestBytes) {
    await reply.body?.cancel();
    throw new Error(`${source.url} is ${String(size)} bytes: a manifest is at most ${String(MaxManifestBytes)}`);
  }
  const text = await reply.text();
  if (Buffer.byteLength(text) > MaxManifestBytes)
    throw new Error(`${source.url} is over ${String(MaxManifestBytes)} bytes: a manifest is at most that`);
  return text;
}

export function extraManifestController(options: ExtraManifestOptions = {}): Controller {
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    name: 'k8s.ExtraManifestController',
    inputs: [weak(MachineConfig)],
    outputs: [shared(Manifest)],
    async run(ctx) {
      /** URL → objects of its last good download under the current config version. */
      const downloaded = new Map<string, KubeObject[]>();
      let downloadedFor = -1;
      const reported = new Map<string, string>();
      let delay = backoff.initialMs;
      let timer: NodeJS.Timeout | undefined;
      try {
        for await (const _ of ctx.changes()) {
          clearTimeout(timer);
          ctx.startTrackingOutputs();
          const res = await ctx.find(MachineConfig, MachineConfigId);
          if (res !== undefined && res.metadata.version !== downloadedFor) {
            downloaded.clear();
            downloadedFor = res.metadata.version;
          }
          const retries: string[] = [];
          for (const source of res === undefined ? [] : sourcesOf(res.spec)) {
            const objects = await objectsOf(ctx, source, { downloaded, reported, timeoutMs }).catch(
              async (err: unknown) => {
                if (ctx.signal.aborted) throw err;
                const message = err instanceof Error ? err.message : String(err);
                if (reported.get(source.id) !== message) {
                  ctx.logger.warn('extra manifest not rendered', { manifest: source.id, error: message });
                  reported.set(source.id, message);
                }
                if (source.url !== undefined && !(err instanceof ManifestDocumentError)) retries.push(source.id);
                // Keep what the last good version rendered.
                const previous = await ctx.find(Manifest, source.id);
                return previous?.metadata.owner === ctx.name ? previous.spec.items : undefined;
              },
            );
            if (objects === undefined) continue;
            await ctx.modify({ type: Manifest, id: source.id }, (spec) => {
              spec.items = objects;
            });
          }
          await ctx.cleanupOutputs();
          if (retries.length > 0) {
            timer = setTimeout(() => {
              ctx.queueReconcile();
            }, delay);
            delay = Math.min(delay * 2, backoff.maxMs);
          } else delay = backoff.initialMs;
        }
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function objectsOf(
  ctx: ControllerContext,
  source: Source,
  state: { downloaded: Map<string, KubeObject[]>; reported: Map<string, string>; timeoutMs: number },
): Promise<KubeObject[]> {
  let objects: KubeObject[];
  if (source.url === undefined) objects = parse(source, source.inline ?? '');
  else {
    const cached = state.downloaded.get(source.url);
    objects = cached ?? parse(source, await download({ ...source, url: source.url }, state.timeoutMs, ctx.signal));
    if (cached === undefined) ctx.logger.info('downloaded manifest', { manifest: source.id, objects: objects.length });
    state.downloaded.set(source.url, objects);
  }
  if (state.reported.delete(source.id)) ctx.logger.info('extra manifest rendered', { manifest: source.id });
  return objects;
}

function parse(source: Source, text: string): KubeObject[] {
  try {
    return parseManifestObjects(text);
  } catch (err) {
    if (err instanceof ManifestDocumentError) throw new ManifestDocumentError(`${source.where}: ${err.message}`);
    throw err;
  }
}
