import { diffLines } from './line-diff.ts';

/**
 * Carries a change made to a re-rendered document back onto its original text, so that the parts a
 * patch did not touch keep their exact formatting (blank lines, comment indentation, quoting),
 * which a YAML library cannot always reproduce.
 *
 * `original` is the source text, `before` the library's rendering of it unchanged and `after` the
 * rendering once patched. Lines equal in all three are anchors; between two anchors the original
 * lines are kept when the patch changed nothing there, and the patched rendering is used when it did.
 */
export function keepFormatting(original: string, before: string, after: string): string {
  if (before === after) return original;
  const o = splitLines(original);
  const r0 = splitLines(before);
  const r1 = splitLines(after);
  // lines are matched without their indentation: the library re-indents some comments
  const toOriginal = keptLines(diffLines(r0.map(trim), o.map(trim)));
  const toAfter = keptLines(diffLines(r0, r1));
  const out: string[] = [];
  let prev = { r0: -1, o: -1, r1: -1 };
  const flush = (next: { r0: number; o: number; r1: number }): void => {
    const beforeGap = r0.slice(prev.r0 + 1, next.r0);
    const afterGap = r1.slice(prev.r1 + 1, next.r1);
    const unchanged = beforeGap.length === afterGap.length && beforeGap.every((line, i) => line === afterGap[i]);
    const originalGap = o.slice(prev.o + 1, next.o);
    if (unchanged) {
      out.push(...originalGap);
      return;
    }
    // blank lines that opened the gap (a paragraph break before a section) stay
    const blanks = originalGap.findIndex((line) => line.trim() !== '');
    const leading = blanks < 0 ? originalGap.length : blanks;
    if (afterGap[0]?.trim() !== '') out.push(...originalGap.slice(0, leading));
    out.push(...afterGap);
  };
  for (let i = 0; i < r0.length; i++) {
    const oi = toOriginal.get(i);
    const ri = toAfter.get(i);
    if (oi === undefined || ri === undefined || oi <= prev.o || ri <= prev.r1) continue;
    const anchor = { r0: i, o: oi, r1: ri };
    flush(anchor);
    out.push(o[oi] ?? '');
    prev = anchor;
  }
  flush({ r0: r0.length, o: o.length, r1: r1.length });
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

function trim(line: string): string {
  return line.trim();
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** For the kept lines of an edit script from `a` to `b`: index in `a` → index in `b`. */
function keptLines(edits: readonly { kind: ' ' | '-' | '+' }[]): Map<number, number> {
  const map = new Map<number, number>();
  let a = 0;
  let b = 0;
  for (const edit of edits) {
    if (edit.kind === ' ') map.set(a, b);
    if (edit.kind !== '+') a++;
    if (edit.kind !== '-') b++;
  }
  return map;
}
