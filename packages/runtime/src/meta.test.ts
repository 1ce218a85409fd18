import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineResource } from './definition.ts';
import { MemoryState } from './memory-state.ts';
import { Namespaces, publishMeta, ResourceDefinitions, type ResourceDefinitionSpec } from './meta.ts';

test('publishMeta writes namespaces and definitions as COSI lists them, and can run again', async () => {
  const state = new MemoryState();
  const Secret = defineResource({
    type: 'Secrets.secrets.talos.dev',
    defaultNamespace: 'secrets',
    sensitive: true,
    empty: () => ({}),
  });
  const options = { namespaces: [{ name: 'secrets', description: 'Secrets.' }], definitions: [Secret.definition] };
  await publishMeta(state, options);
  await publishMeta(state, options);
  assert.deepEqual(
    (await state.list(Namespaces.kind())).map((r) => r.metadata.id),
    ['meta', 'secrets'],
  );
  const rds = await state.list<ResourceDefinitionSpec>(ResourceDefinitions.kind());
  assert.deepEqual(
    rds.map((r) => r.metadata.id),
    ['namespaces.meta.cosi.dev', 'resourcedefinitions.meta.cosi.dev', 'secrets.secrets.talos.dev'],
  );
  const secret = rds.find((r) => r.metadata.id === 'secrets.secrets.talos.dev');
  assert.equal(secret?.spec.sensitivity, 'sensitive');
  assert.equal(secret.spec.displayType, 'Secret');
  assert.equal(secret.metadata.version, 1, 'the second run changes nothing');
  const rd = rds.find((r) => r.metadata.id === 'resourcedefinitions.meta.cosi.dev');
  assert.ok(rd !== undefined);
  assert.deepEqual(ResourceDefinitions.columns(rd), ['api-resources resourcedefinition rd rds']);
});
