import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffLines, toHunks } from './line-diff.ts';

test('applying the edit script to the old lines gives the new ones, and it is minimal for disjoint lines', () => {
  const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 });
  fc.assert(
    fc.property(lines, lines, (a, b) => {
      const edits = diffLines(a, b);
      assert.deepEqual(
        edits.filter((e) => e.kind !== '+').map((e) => e.text),
        a,
      );
      assert.deepEqual(
        edits.filter((e) => e.kind !== '-').map((e) => e.text),
        b,
      );
    }),
  );
  assert.equal(diffLines(['x', 'a', 'y'], ['x', 'b', 'y']).filter((e) => e.kind !== ' ').length, 2);
});

test('hunks carry context and line numbers like diff -u', () => {
  const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
  const b = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11'];
  const hunks = toHunks(diffLines(a, b), { context: 2, oldFirst: 1, newFirst: 1 });
  assert.deepEqual(
    hunks.map((h) => [h.oldStart, h.oldCount, h.newStart, h.newCount]),
    [
      [3, 5, 3, 5],
      [9, 2, 9, 3],
    ],
  );
  const added = toHunks(diffLines([], ['x']), { context: 3, oldFirst: 1, newFirst: 1 });
  assert.deepEqual(
    added.map((h) => [h.oldStart, h.oldCount, h.newStart, h.newCount]),
    [[0, 0, 1, 1]],
  );
});
