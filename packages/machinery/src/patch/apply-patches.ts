import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type Document, isMap, parseAllDocuments, type ToStringOptions } from 'yaml';
import { detectIndent, parseDocuments, renderOptions } from './config-documents.ts';
import { describeIdentity, identityOf } from './identity.ts';
import { applyJsonPatch } from './json-patch.ts';
import { keepFormatting } from './keep-format.ts';
import { PatchError, PatchErrorCode } from './patch-error.ts';
import { parsePatch } from './patch-load.ts';
import type { ConfigPatch } from './patch-types.ts';
import { applyStrategicPatch, type WorkingDocument } from './strategic-patch.ts';

export interface LoadPatchOptions {
  /** Directory that relative patch file names are read from. */
  readonly cwd: string;
  readonly signal?: AbortSignal;
}

/**
 * Loads patches given as talosctl's `--patch`/`-p` arguments: `@file` reads a file; an argument
 * with no space or newline that does not start with `[` or `{` is also taken as a file name (as
 * talosctl does); anything else is an inline patch (YAML or JSON; a list is an RFC 6902 patch).
 */
export async function loadPatches(args: readonly string[], options: LoadPatchOptions): Promise<ConfigPatch[]> {
  const patches: ConfigPatch[] = [];
  for (const [index, arg] of args.entries()) patches.push(await loadPatchArg(arg, index, options));
  return patches;
}

async function loadPatchArg(arg: string, index: number, options: LoadPatchOptions): Promise<ConfigPatch> {
  const file = patchFileName(arg);
  if (file === undefined) return parsePatch(arg, `inline patch ${index + 1}`);
  let text: string;
  try {
    const opts = options.signal === undefined ? {} : { signal: options.signal };
    text = await readFile(resolve(options.cwd, file), { encoding: 'utf8', ...opts });
  } catch (err) {
    if (isMissing(err)) throw new PatchError(PatchErrorCode.Unreadable, `cannot read patch file ${file}: no such file`);
    throw new PatchError(PatchErrorCode.Unreadable, `cannot read patch file ${file}`, { cause: err });
  }
  return parsePatch(text, file);
}

function patchFileName(arg: string): string | undefined {
  if (arg.startsWith('@')) return arg.slice(1);
  if (!/[\n ]/.test(arg) && !arg.startsWith('[') && !arg.startsWith('{') && arg !== '') return arg;
  return undefined;
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}

/**
 * Applies patches in order to a machine config text and returns the patched text, with comments
 * and key order kept. JSON patches need a single-document config. Throws a PatchError; the input
 * is never changed.
 */
export function applyConfigPatches(
  configText: string,
  patches: readonly ConfigPatch[],
  options: { source?: string } = {},
): string {
  const source = options.source ?? 'config';
  const render = { ...renderOptions, indent: detectIndent(configText) };
  const docs: WorkingDocument[] = parseDocuments(configText, { source, unique: true }).documents.map((d) => ({
    doc: d.doc,
    identity: d.identity,
    original: { text: configText.slice(d.start, d.end), rendered: d.doc.toString(render) },
  }));
  for (const patch of patches) {
    if (patch.kind === 'strategic') {
      applyStrategicPatch(docs, patch);
      continue;
    }
    const only = docs[0];
    if (docs.length !== 1 || only === undefined) {
      const names = docs.map((d) => describeIdentity(d.identity)).join(', ') || 'none';
      throw new PatchError(
        PatchErrorCode.Unsupported,
        `${patch.source}: a JSON patch (RFC 6902) applies to a single-document config, but ${source} has ${docs.length} documents (${names}): write the patch as a strategic merge patch`,
      );
    }
    applyJsonPatch(only.doc, patch);
    const contents = only.doc.contents;
    const identity = isMap(contents) ? identityOf(contents) : 'the document is no longer a mapping';
    if (typeof identity === 'string') {
      throw new PatchError(PatchErrorCode.OperationFailed, `${patch.source}: after the JSON patch, ${identity}`);
    }
    docs[0] = { ...only, identity };
  }
  return renderWorkingDocuments(docs, render);
}

/**
 * Applies patches to a config text: each is a `-p` argument (see loadPatches) or an already
 * loaded patch. This is what `machineconfig patch`, `gen config --config-patch` and
 * `apply-config -p` share.
 */
export async function applyPatches(
  configText: string,
  patches: readonly (string | ConfigPatch)[],
  options: Partial<LoadPatchOptions> & { source?: string } = {},
): Promise<string> {
  const loaded: ConfigPatch[] = [];
  const load = {
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  for (const [index, patch] of patches.entries()) {
    loaded.push(typeof patch === 'string' ? await loadPatchArg(patch, index, load) : patch);
  }
  return applyConfigPatches(configText, loaded, options.source === undefined ? {} : { source: options.source });
}

/** Writes the documents back; those read from the config keep their original text where unchanged. */
function renderWorkingDocuments(docs: readonly WorkingDocument[], render: ToStringOptions): string {
  return docs
    .map((d, index) => {
      const after = d.doc.toString(render);
      const text = d.original === undefined ? after : keptOrRendered(d.doc, d.original, after);
      return index > 0 && !startsWithMarker(text) ? `---\n${text}` : text;
    })
    .join('');
}

/** Whether the first line that is not blank or a comment is a `---` document marker. */
function startsWithMarker(text: string): boolean {
  const first = text.split('\n').find((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  return first !== undefined && /^---(\s|$)/.test(first);
}

/**
 * The patched document on its original text (see keepFormatting), or the plain rendering when
 * mixing the two styles would not read back as the same data (a safety net, rarely taken).
 */
function keptOrRendered(doc: Document, original: { text: string; rendered: string }, after: string): string {
  const kept = keepFormatting(original.text, original.rendered, after);
  if (kept === original.text || kept === after) return kept;
  const reread = parseAllDocuments(kept, { uniqueKeys: true });
  const docs = Array.isArray(reread) ? reread.filter((d) => d.contents !== null) : [];
  const same = docs.length === 1 && docs[0]?.errors.length === 0 && isDeepStrictEqual(docs[0].toJS(), doc.toJS());
  return same ? kept : after;
}
