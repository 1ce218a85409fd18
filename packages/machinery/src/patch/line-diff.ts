/** One line of a diff: kept, removed from the old text, or added in the new one. */
export interface LineEdit {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
}

/**
 * The shortest edit script between two lists of lines (Myers' O((N+M)·D) algorithm), after the
 * common head and tail are taken off, which is most of a config that changed in a few places.
 */
export function diffLines(a: readonly string[], b: readonly string[]): LineEdit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const same = (lines: readonly string[]): LineEdit[] => lines.map((text) => ({ kind: ' ', text }));
  const middle = myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return [...same(a.slice(0, head)), ...middle, ...same(a.slice(a.length - tail))];
}

function myers(a: readonly string[], b: readonly string[]): LineEdit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (v[off + k - 1] ?? 0) < (v[off + k + 1] ?? 0))
          ? (v[off + k + 1] ?? 0)
          : (v[off + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace);
    }
  }
  return [];
}

function backtrack(a: readonly string[], b: readonly string[], trace: readonly Int32Array[]): LineEdit[] {
  const edits: LineEdit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const saved = trace[d] ?? new Int32Array(0);
    const at = (k: number): number => saved[k + d + 1] ?? 0;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ kind: ' ', text: a[x - 1] ?? '' });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) edits.push({ kind: '+', text: b[y - 1] ?? '' });
      else edits.push({ kind: '-', text: a[x - 1] ?? '' });
    }
    x = prevX;
    y = prevY;
  }
  return edits.reverse();
}

/** A block of a unified diff: `@@ -oldStart,oldCount +newStart,newCount @@` and its lines. */
export interface Hunk {
  readonly oldStart: number;
  readonly oldCount: number;
  readonly newStart: number;
  readonly newCount: number;
  readonly lines: readonly LineEdit[];
}

/**
 * Groups an edit script into unified-diff hunks with `context` kept lines around each change;
 * `oldFirst`/`newFirst` are the line numbers of the first line on each side.
 */
export function toHunks(
  edits: readonly LineEdit[],
  options: { context: number; oldFirst: number; newFirst: number },
): Hunk[] {
  const { context } = options;
  const changed = edits.flatMap((e, i) => (e.kind === ' ' ? [] : [i]));
  const hunks: Hunk[] = [];
  let i = 0;
  while (i < changed.length) {
    const from = Math.max(0, (changed[i] ?? 0) - context);
    let last = changed[i] ?? 0;
    while (i + 1 < changed.length && (changed[i + 1] ?? 0) - last <= 2 * context) last = changed[++i] ?? last;
    const to = Math.min(edits.length, last + context + 1);
    hunks.push(hunk(edits, from, to, options));
    i++;
  }
  return hunks;
}

function hunk(
  edits: readonly LineEdit[],
  from: number,
  to: number,
  first: { oldFirst: number; newFirst: number },
): Hunk {
  let oldLine = first.oldFirst;
  let newLine = first.newFirst;
  for (const e of edits.slice(0, from)) {
    if (e.kind !== '+') oldLine++;
    if (e.kind !== '-') newLine++;
  }
  const lines = edits.slice(from, to);
  const oldCount = lines.filter((e) => e.kind !== '+').length;
  const newCount = lines.filter((e) => e.kind !== '-').length;
  // unified diff convention: an empty side names the line before it
  return {
    oldStart: oldCount === 0 ? oldLine - 1 : oldLine,
    oldCount,
    newStart: newCount === 0 ? newLine - 1 : newLine,
    newCount,
    lines,
  };
}
