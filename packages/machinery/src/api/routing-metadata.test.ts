import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata } from '@grpc/grpc-js';
import { isApiError } from './api-error.ts';
import { callRouteOf, nodeMetadata, nodesMetadata } from './routing-metadata.ts';

function md(entries: [string, string][]): Metadata {
  const m = new Metadata();
  for (const [k, v] of entries) m.add(k, v);
  return m;
}

test('malformed routing metadata is invalid-argument', () => {
  const bad: [string, [string, string][]][] = [
    [
      'both keys',
      [
        ['node', 'a'],
        ['nodes', 'b'],
      ],
    ],
    [
      'two node values',
      [
        ['node', 'a'],
        ['node', 'b'],
      ],
    ],
    ['a comma list in node', [['node', 'a,b']]],
    ['an empty node', [['node', '']]],
    ['an empty entry in nodes', [['nodes', 'a,,b']]],
  ];
  for (const [what, entries] of bad) {
    assert.throws(
      () => callRouteOf(md(entries)),
      (e) => isApiError(e, 'invalid-argument'),
      what,
    );
  }
});

test('no routing metadata means this node', () => {
  assert.deepEqual(callRouteOf(new Metadata()), { kind: 'local' });
});

test('node forwards to one node; nodes fans out, in order', () => {
  assert.deepEqual(callRouteOf(nodeMetadata('10.5.0.2')), { kind: 'node', node: '10.5.0.2' });
  assert.deepEqual(callRouteOf(nodesMetadata(['10.5.0.2', '10.5.0.3'])), {
    kind: 'nodes',
    nodes: ['10.5.0.2', '10.5.0.3'],
  });
  assert.deepEqual(callRouteOf(md([['nodes', '10.5.0.2, 10.5.0.3']])), {
    kind: 'nodes',
    nodes: ['10.5.0.2', '10.5.0.3'],
  });
});

test('nodeMetadata and nodesMetadata replace earlier routing and keep other keys', () => {
  const base = md([
    ['nodes', 'old'],
    ['authorization', 'x'],
  ]);
  const one = nodeMetadata('n1', base);
  assert.deepEqual(one.get('nodes'), []);
  assert.deepEqual(one.get('authorization'), ['x']);
  assert.deepEqual(base.get('nodes'), ['old']);
  const many = nodesMetadata(['n1', 'n2'], nodeMetadata('n0'));
  assert.deepEqual(callRouteOf(many), { kind: 'nodes', nodes: ['n1', 'n2'] });
});
