// List, Read, Copy (tar.gz) and DiskUsage, rooted at the platform's files root (node-path.ts).
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { ApiError, type HandlersOf, type machineApi } from '@bronze/machinery';
import { replyMetadata } from './info-handlers.ts';
import { nodePathOf, resolveNodePath } from './node-path.ts';
import type { NodeApi } from './node-api.ts';
import { tarEnd, tarEntry } from './tar-writer.ts';

type Handlers = HandlersOf<typeof machineApi.MachineService>;

// Go's os.FileMode bits, which Talos sends as FileInfo.mode.
const GoModeDir = 2 ** 31;
const GoModeSymlink = 2 ** 27;

interface Walked {
  host: string;
  depth: number;
  stat: Awaited<ReturnType<typeof lstat>>;
}

/** Depth-first walk from `host` (depth 0) down to `maxDepth` (unlimited when negative). */
async function* walk(host: string, maxDepth: number, signal: AbortSignal): AsyncGenerator<Walked> {
  const stack: { host: string; depth: number }[] = [{ host, depth: 0 }];
  while (stack.length > 0) {
    signal.throwIfAborted();
    const next = stack.pop();
    if (next === undefined) break;
    const stat = await lstat(next.host);
    yield { ...next, stat };
    if (stat.isDirectory() && (maxDepth < 0 || next.depth < maxDepth)) {
      const names = (await readdir(next.host).catch(() => [])).sort().reverse();
      for (const n of names) stack.push({ host: join(next.host, n), depth: next.depth + 1 });
    }
  }
}

function goMode(stat: Walked['stat']): number {
  return (
    (Number(stat.mode) & 0o777) + (stat.isDirectory() ? GoModeDir : 0) + (stat.isSymbolicLink() ? GoModeSymlink : 0)
  );
}

export function fileHandlers(node: NodeApi): Handlers {
  const root = node.platform.filesRoot;
  return {
    list: async function* (req, ctx) {
      const start = await resolveNodePath(root, req.root === '' ? '/' : req.root);
      const maxDepth = !req.recurse ? 1 : req.recursionDepth <= 0 ? -1 : req.recursionDepth;
      const types = new Set(req.types);
      for await (const w of walk(start.host, maxDepth, ctx.signal)) {
        const kind = w.stat.isSymbolicLink() ? 2 : w.stat.isDirectory() ? 1 : 0;
        if (types.size > 0 && !types.has(kind)) continue;
        const name = nodePathOf(root, w.host);
        yield {
          metadata: replyMetadata(node),
          name,
          relativeName: nodePathOf(start.host, w.host).slice(1) || '.',
          size: BigInt(w.stat.size),
          mode: goMode(w.stat),
          modified: BigInt(Math.floor(Number(w.stat.mtimeMs) / 1000)),
          isDir: w.stat.isDirectory(),
          link: w.stat.isSymbolicLink() ? await readlink(w.host).catch(() => '') : '',
          uid: Number(w.stat.uid),
          gid: Number(w.stat.gid),
        };
      }
    },
    read: async function* (req, ctx) {
      const path = await resolveNodePath(root, req.path);
      const stat = await lstat(path.host);
      if (!stat.isFile()) throw new ApiError('invalid-argument', `${path.node}: not a regular file`);
      const stream = createReadStream(path.host, { signal: ctx.signal, highWaterMark: 64 * 1024 });
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        yield { metadata: replyMetadata(node), bytes: chunk };
      }
    },
    copy: async function* (req, ctx) {
      const start = await resolveNodePath(root, req.rootPath);
      const gzip = createGzip();
      const out = new PassThrough();
      gzip.pipe(out);
      const feed = (async () => {
        try {
          for await (const w of walk(start.host, -1, ctx.signal)) {
            // Entries are named from the copied path's own name down, as talosctl copy unpacks them.
            const name = relative(dirname(start.host), w.host).split(sep).join('/');
            const mtime = Number(w.stat.mtimeMs) / 1000;
            const mode = Number(w.stat.mode);
            let blocks: Buffer[] = [];
            if (w.stat.isDirectory()) blocks = tarEntry({ name, mode, mtime, type: 'dir' });
            else if (w.stat.isSymbolicLink())
              blocks = tarEntry({ name, mode, mtime, type: 'symlink', link: await readlink(w.host) });
            else if (w.stat.isFile())
              blocks = tarEntry({ name, mode, mtime, type: 'file', data: await readFile(w.host) });
            for (const b of blocks) if (!gzip.write(b)) await new Promise((r) => gzip.once('drain', r));
          }
          gzip.end(tarEnd());
        } catch (err) {
          gzip.destroy(err instanceof Error ? err : new Error(String(err)));
          out.destroy(err instanceof Error ? err : new Error(String(err)));
        }
      })();
      try {
        for await (const chunk of out as AsyncIterable<Buffer>) yield { metadata: replyMetadata(node), bytes: chunk };
      } finally {
        await feed;
      }
    },
    diskUsage: async function* (req, ctx) {
      const paths = req.paths.length === 0 ? ['/'] : req.paths;
      for (const p of paths) {
        const start = await resolveNodePath(root, p);
        const sizes = new Map<string, bigint>();
        const entries: Walked[] = [];
        for await (const w of walk(start.host, -1, ctx.signal)) entries.push(w);
        for (const w of entries.reverse()) {
          const own = w.stat.isDirectory() ? 0n : BigInt(w.stat.size);
          sizes.set(w.host, (sizes.get(w.host) ?? 0n) + own);
          const parent = join(w.host, '..');
          if (w.depth > 0) sizes.set(parent, (sizes.get(parent) ?? 0n) + (sizes.get(w.host) ?? 0n));
        }
        for (const w of entries.reverse()) {
          if (req.recursionDepth > 0 && w.depth > req.recursionDepth) continue;
          if (!req.all && !w.stat.isDirectory() && w.depth > 0) continue;
          const size = sizes.get(w.host) ?? 0n;
          if (req.threshold > 0n && size < req.threshold) continue;
          if (req.threshold < 0n && size > -req.threshold) continue;
          yield {
            metadata: replyMetadata(node),
            name: nodePathOf(root, w.host),
            relativeName: nodePathOf(start.host, w.host).slice(1) || '.',
            size,
          };
        }
      }
    },
  };
}
