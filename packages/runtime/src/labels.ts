// Label queries for `list` and kind watches, with COSI's LabelTerm operations.

export type LabelTerm = (
  | { readonly key: string; readonly op: 'exists' | 'not-exists' }
  | { readonly key: string; readonly op: 'equal' | 'not-equal'; readonly value: string }
  | { readonly key: string; readonly op: 'in' | 'not-in'; readonly values: readonly string[] }
  /** lt/lte compare strings; lt-numeric/lte-numeric compare numbers (a non-number never matches). */
  | { readonly key: string; readonly op: 'lt' | 'lte' | 'lt-numeric' | 'lte-numeric'; readonly value: string }
) & {
  /** Negates the term (COSI's `invert`). */
  readonly invert?: boolean;
};

/** All terms must match. */
export type LabelQuery = readonly LabelTerm[];

export function matchLabels(labels: Readonly<Record<string, string>>, query: LabelQuery | undefined): boolean {
  if (query === undefined) return true;
  for (const term of query) if (matchTerm(labels, term) === (term.invert ?? false)) return false;
  return true;
}

function matchTerm(labels: Readonly<Record<string, string>>, term: LabelTerm): boolean {
  const v = Object.hasOwn(labels, term.key) ? labels[term.key] : undefined;
  switch (term.op) {
    case 'exists':
      return v !== undefined;
    case 'not-exists':
      return v === undefined;
    case 'equal':
      return v === term.value;
    case 'not-equal':
      return v !== term.value;
    case 'in':
      return v !== undefined && term.values.includes(v);
    case 'not-in':
      return v === undefined || !term.values.includes(v);
    case 'lt':
      return v !== undefined && v < term.value;
    case 'lte':
      return v !== undefined && v <= term.value;
    case 'lt-numeric':
    case 'lte-numeric': {
      const [a, b] = [Number(v), Number(term.value)];
      if (v === undefined || v.trim() === '' || !Number.isFinite(a) || !Number.isFinite(b)) return false;
      return term.op === 'lt-numeric' ? a < b : a <= b;
    }
  }
}
