/**
 * Splits an RFC 6901 JSON pointer into its reference tokens (`~1` is `/`, `~0` is `~`), or returns
 * the problem. The empty pointer is the whole document.
 */
export function parsePointer(pointer: string): string[] | { problem: string } {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return { problem: `pointer "${pointer}" must start with "/"` };
  const tokens = pointer.slice(1).split('/');
  for (const token of tokens) {
    if (/~[^01]|~$/.test(token)) {
      return { problem: `pointer "${pointer}" has a "~" not followed by 0 or 1 (write ~0 for "~" and ~1 for "/")` };
    }
  }
  return tokens.map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Builds a pointer from tokens, escaping `~` and `/`. */
export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * The list index a token names: a non-negative integer without leading zeros, below `length`
 * (or equal to it, or "-" for the end, when `forInsert`).
 */
export function listIndex(token: string, length: number, forInsert: boolean): number | { problem: string } {
  if (token === '-') {
    return forInsert ? length : { problem: `"-" (the end of the list) can only be used to add` };
  }
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return { problem: `"${token}" is not a list index` };
  const index = Number(token);
  const limit = forInsert ? length : length - 1;
  if (index > limit) return { problem: `index ${index} is out of range (the list has ${length} elements)` };
  return index;
}
