import assert from 'node:assert/strict';
import { test } from 'node:test';
import { destroyReady, exclusive, shared, strong, weak, type Controller } from './controller.ts';
import { defineResource } from './definition.ts';
import { toDot } from './dependency-graph.ts';
import { Engine } from './engine.ts';
import { MemoryState } from './memory-state.ts';

const A = defineResource({ type: 'As.test.bronze.dev', defaultNamespace: 'test', empty: () => ({}) });
const B = defineResource({ type: 'Bs.test.bronze.dev', defaultNamespace: 'test', empty: () => ({}) });
const C = defineResource({ type: 'Cs.test.bronze.dev', defaultNamespace: 'other', empty: () => ({}) });

test('the engine exports its dependency graph and renders it as DOT', () => {
  const noop = (): Promise<void> => Promise.resolve();
  const one: Controller = {
    name: 'x.One',
    inputs: [weak(A, { id: 'only' }), strong(C)],
    outputs: [exclusive(B)],
    run: noop,
  };
  const two: Controller = { name: 'x.Two', inputs: [destroyReady(B)], outputs: [shared(C)], run: noop };
  const engine = new Engine(new MemoryState());
  engine.register(one, two);
  const g = engine.dependencyGraph();
  assert.deepEqual(g.controllers, ['x.One', 'x.Two']);
  assert.deepEqual(
    g.resources.map((r) => `${r.namespace}/${r.type}`),
    ['other/Cs.test.bronze.dev', 'test/As.test.bronze.dev', 'test/Bs.test.bronze.dev'],
  );
  assert.deepEqual(g.edges, [
    { controller: 'x.One', namespace: 'test', type: 'As.test.bronze.dev', id: 'only', edge: 'input-weak' },
    { controller: 'x.One', namespace: 'other', type: 'Cs.test.bronze.dev', edge: 'input-strong' },
    { controller: 'x.One', namespace: 'test', type: 'Bs.test.bronze.dev', edge: 'output-exclusive' },
    { controller: 'x.Two', namespace: 'test', type: 'Bs.test.bronze.dev', edge: 'input-destroy-ready' },
    { controller: 'x.Two', namespace: 'other', type: 'Cs.test.bronze.dev', edge: 'output-shared' },
  ]);
  const text = toDot(g);
  assert.match(text, /^digraph dependencies \{/);
  assert.match(text, /"r:test\/As.test.bronze.dev" -> "c:x.One" \[style=dashed label="only"\];/);
  assert.match(text, /"c:x.One" -> "r:test\/Bs.test.bronze.dev" \[style=bold color=blue\];/);
});
