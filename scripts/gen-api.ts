// Generates the TypeScript for the API protos (packages/machinery/api/**/*.proto) with Debian's protoc
// and the pinned @bufbuild/protoc-gen-es plugin. The well-known protos (google/protobuf/*.proto) are
// handed to protoc as descriptors taken from the pinned @bufbuild/protobuf, so no include directory
// (Debian's libprotobuf-dev) is needed and the imports match the runtime library exactly.
//
//   node scripts/gen-api.ts             regenerate packages/machinery/src/api/gen (the committed copy)
//   node scripts/gen-api.ts --out DIR   write into DIR instead
//   node scripts/gen-api.ts --check     regenerate into a temporary directory and fail when the
//                                       committed copy differs (run by `npm run check` as `proto`)
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  FileDescriptorSetSchema,
  file_google_protobuf_any,
  file_google_protobuf_api,
  file_google_protobuf_descriptor,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_source_context,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_type,
  file_google_protobuf_wrappers,
} from '@bufbuild/protobuf/wkt';

const root = join(import.meta.dirname, '..');
const protoRoot = join(root, 'packages/machinery/api');
const committed = join(root, 'packages/machinery/src/api/gen');
// Every proto tree and its committed output: the Talos API, and the subsets of etcd's v3 API and of
// containerd's API that machined's clients speak (in machined, since only machined talks to them).
const targets = [
  { protoRoot, committed },
  {
    protoRoot: join(root, 'packages/machined/src/etcd/proto'),
    committed: join(root, 'packages/machined/src/etcd/gen'),
  },
  // The subset of containerd's API that machined uses to list and inspect containers.
  {
    protoRoot: join(root, 'packages/machined/src/containerd/proto'),
    committed: join(root, 'packages/machined/src/containerd/gen'),
  },
];
const pluginScript = join(root, 'node_modules/@bufbuild/protoc-gen-es/bin/protoc-gen-es');
// ts output, `.ts` import extensions and `as const` enums: Node's type stripping runs the result.
const pluginOptions = 'target=ts,import_extension=ts,erasable_syntax=true';

function listFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p, suffix));
    else if (entry.name.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

function wellKnownDescriptors(): Uint8Array {
  const files = [
    file_google_protobuf_any,
    file_google_protobuf_api,
    file_google_protobuf_descriptor,
    file_google_protobuf_duration,
    file_google_protobuf_empty,
    file_google_protobuf_field_mask,
    file_google_protobuf_source_context,
    file_google_protobuf_struct,
    file_google_protobuf_timestamp,
    file_google_protobuf_type,
    file_google_protobuf_wrappers,
  ];
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files.map((f) => f.proto) }));
}

function generate(outDir: string, protoRoot: string): void {
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'bronze-gen-api-'));
  try {
    // protoc needs an executable plugin; this one runs protoc-gen-es on the pinned Node.js.
    const plugin = join(work, 'protoc-gen-es');
    writeFileSync(plugin, `#!/bin/sh\nexec '${process.execPath}' '${pluginScript}' "$@"\n`);
    chmodSync(plugin, 0o755);
    const wellKnown = join(work, 'well-known.pb');
    writeFileSync(wellKnown, wellKnownDescriptors());
    const protos = listFiles(protoRoot, '.proto').map((p) => relative(protoRoot, p));
    const r = spawnSync(
      'protoc',
      [
        `--plugin=protoc-gen-es=${plugin}`,
        `--descriptor_set_in=${wellKnown}`,
        `--proto_path=${protoRoot}`,
        `--es_out=${outDir}`,
        `--es_opt=${pluginOptions}`,
        ...protos,
      ],
      { cwd: protoRoot, encoding: 'utf8' },
    );
    if (r.error !== undefined) {
      throw new Error('cannot run protoc; install it with scripts/setup-host (Debian: protobuf-compiler)', {
        cause: r.error,
      });
    }
    if (r.status !== 0) throw new Error(`protoc failed (exit ${String(r.status)}):\n${r.stderr.trim()}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const p of listFiles(dir, '')) files.set(relative(dir, p), readFileSync(p, 'utf8'));
  return files;
}

function differences(want: Map<string, string>, have: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [name, text] of want) {
    const got = have.get(name);
    if (got === undefined) out.push(`missing ${name}`);
    else if (got !== text) out.push(`differs ${name}`);
  }
  for (const name of have.keys()) if (!want.has(name)) out.push(`stale ${name}`);
  return out;
}

function regenerateCommitted(protoRoot: string, committed: string): void {
  // Generate beside the target, then swap, so a failed run leaves the committed copy alone.
  const fresh = mkdtempSync(join(committed, '../.gen-'));
  try {
    generate(fresh, protoRoot);
    rmSync(committed, { recursive: true, force: true });
    renameSync(fresh, committed);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

function check(protoRoot: string, committed: string): boolean {
  const fresh = mkdtempSync(join(tmpdir(), 'bronze-gen-api-check-'));
  try {
    generate(fresh, protoRoot);
    const found = differences(snapshot(fresh), snapshot(committed));
    for (const line of found) process.stderr.write(`proto: ${line} in ${relative(root, committed)}\n`);
    if (found.length > 0) process.stderr.write('proto: run `node scripts/gen-api.ts` and commit the result\n');
    return found.length === 0;
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { out: { type: 'string' }, check: { type: 'boolean', default: false } } });
if (values.check) {
  if (!targets.map((t) => check(t.protoRoot, t.committed)).every(Boolean)) process.exitCode = 1;
  else process.stdout.write('proto: generated code is up to date\n');
} else if (values.out !== undefined) {
  generate(values.out, protoRoot);
} else {
  for (const t of targets) regenerateCommitted(t.protoRoot, t.committed);
}
