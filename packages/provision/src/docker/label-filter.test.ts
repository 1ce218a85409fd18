import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasAllLabels, labelFilters } from './label-filter.ts';

const want = { 'bronze.owned': 'true', 'bronze.cluster.name': 'a' };

void test('an object of another cluster, or without labels, does not match', () => {
  assert.equal(hasAllLabels({ 'bronze.owned': 'true', 'bronze.cluster.name': 'b' }, want), false);
  assert.equal(hasAllLabels({ 'bronze.owned': 'true' }, want), false);
  assert.equal(hasAllLabels(null, want), false);
  assert.equal(hasAllLabels(undefined, want), false);
});

void test('an object with every label (and more) matches', () => {
  assert.equal(hasAllLabels({ ...want, 'bronze.node': 'a-worker-1' }, want), true);
  assert.equal(hasAllLabels(null, {}), true);
});

void test('the filters query lists each label as k=v', () => {
  assert.deepEqual(JSON.parse(labelFilters(want)), { label: ['bronze.owned=true', 'bronze.cluster.name=a'] });
});
