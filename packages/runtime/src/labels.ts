// Label queries for `list` and kind watches (COSI's LabelTerm).

export type LabelTerm =
  | { readonly key: string; readonly op: 'exists' | 'not-exists' }
  | { readonly key: string; readonly op: 'equal' | 'not-equal'; readonly value: string }
  | { readonly key: string; readonly op: 'in' | 'not-in'; readonly values: readonly string[] };

/** All terms must match. */
export type LabelQuery = readonly LabelTerm[];

export function matchLabels(labels: Readonly<Record<string, string>>, query: LabelQuery | undefined): boolean {
  if (query === undefined) return true;
  for (const term of query) {
    const has = Object.hasOwn(labels, term.key);
    const v = labels[term.key];
    switch (term.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'not-exists':
        if (has) return false;
        break;
      case 'equal':
        if (v !== term.value) return false;
        break;
      case 'not-equal':
        if (v === term.value) return false;
        break;
      case 'in':
        if (v === undefined || !term.values.includes(v)) return false;
        break;
      case 'not-in':
        if (v !== undefined && term.values.includes(v)) return false;
        break;
    }
  }
  return true;
}
