// Merging a cluster's kubeconfig into the user's (~/.kube/config): its cluster, user and context
// are added and its context becomes current. The same cluster again (same server and CA) replaces its
// user and context; a different cluster of the same name is kept, and the new entries are renamed
// NAME-1, NAME-2 ... (as talosctl does), unless `force` replaces them.
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { KubeconfigError } from './admin-kubeconfig.ts';

type Section = 'clusters' | 'users' | 'contexts';
const sections: readonly Section[] = ['clusters', 'users', 'contexts'];

interface Named {
  name: string;
  [key: string]: unknown;
}

export interface MergeResult {
  text: string;
  /** The context that is now current. */
  context: string;
  /** Entries renamed because an entry of that name differed: `old -> new`. */
  renamed: string[];
}

export function mergeKubeconfig(
  existing: string | undefined,
  incoming: string,
  options: { force?: boolean; source?: string; contextName?: string } = {},
): MergeResult {
  const source = options.source ?? 'the kubeconfig';
  const base = parse(existing ?? 'apiVersion: v1\nkind: Config\n', source);
  const add = parse(incoming, 'the new kubeconfig');
  if (options.contextName !== undefined) renameContext(add, options.contextName);
  const suffix =
    options.force === true ? '' : freeSuffix(entries(base, 'clusters', source), entries(add, 'clusters', ''));
  const renamed: string[] = [];
  for (const section of sections) {
    const current = entries(base, section, source);
    const incomingEntries = entries(add, section, 'the new kubeconfig').map((e) => rename(e, section, suffix));
    for (const entry of incomingEntries) {
      if (suffix !== '')
        renamed.push(`${section.slice(0, -1)} ${entry.name.slice(0, -suffix.length)} -> ${entry.name}`);
    }
    const kept = current.filter((e) => !incomingEntries.some((n) => n.name === e.name));
    base.set(section, base.createNode([...kept, ...incomingEntries]));
  }
  const currentContext = add.get('current-context');
  if (typeof currentContext !== 'string' || currentContext === '') {
    throw new KubeconfigError('the new kubeconfig has no current-context');
  }
  const context = `${currentContext}${suffix}`;
  base.set('current-context', context);
  return { text: base.toString(), context, renamed };
}

/** Names the current context of `doc` `name` (talosctl's --force-context-name). */
function renameContext(doc: Document.Parsed, name: string): void {
  const current = doc.get('current-context');
  const list = entries(doc, 'contexts', 'the new kubeconfig').map((c) => (c.name === current ? { ...c, name } : c));
  doc.set('contexts', doc.createNode(list));
  doc.set('current-context', name);
}

/**
 * '' when every incoming cluster is new or the same cluster (same server and CA: its user and
 * context are then replaced, e.g. with a fresh certificate); else the first -N under which none
 * of them clashes with a different cluster.
 */
function freeSuffix(current: readonly Named[], incoming: readonly Named[]): string {
  for (let n = 0; ; n++) {
    const suffix = n === 0 ? '' : `-${String(n)}`;
    const clash = incoming.some((c) => {
      const other = current.find((e) => e.name === `${c.name}${suffix}`);
      return other !== undefined && JSON.stringify(other['cluster']) !== JSON.stringify(c['cluster']);
    });
    if (!clash) return suffix;
  }
}

/** The entry under NAME+suffix; a context also names its cluster and user that way. */
function rename(entry: Named, section: Section, suffix: string): Named {
  if (suffix === '') return entry;
  if (section !== 'contexts') return { ...entry, name: `${entry.name}${suffix}` };
  const ctx = (entry['context'] ?? {}) as { cluster?: string; user?: string };
  return {
    ...entry,
    name: `${entry.name}${suffix}`,
    context: {
      ...ctx,
      ...(ctx.cluster === undefined ? {} : { cluster: `${ctx.cluster}${suffix}` }),
      ...(ctx.user === undefined ? {} : { user: `${ctx.user}${suffix}` }),
    },
  };
}

function parse(text: string, what: string): Document.Parsed {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new KubeconfigError(
      `${what} is not valid YAML: ${e?.message ?? ''}: fix it, or pass another path to write a new file`,
    );
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new KubeconfigError(`${what} is not a kubeconfig (not a mapping): pass another path to write a new file`);
  }
  return doc.contents === null ? parseDocument('apiVersion: v1\nkind: Config\n') : doc;
}

function entries(doc: Document.Parsed, section: Section, what: string): Named[] {
  const node = doc.get(section, true);
  if (node === undefined || node === null) return [];
  if (!isSeq(node)) throw new KubeconfigError(`${what}: ${section} is not a list`);
  const list: unknown[] = node.toJSON();
  return list.map((e, i) => {
    if (typeof e !== 'object' || e === null || typeof (e as { name?: unknown }).name !== 'string') {
      throw new KubeconfigError(`${what}: ${section}[${String(i)}] has no name`);
    }
    return e as Named;
  });
}
