import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { ApiError, timestampFromDate } from '@bronze/machinery';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

const created = timestampFromDate(new Date('2026-01-01T00:00:00Z'));

function resource(namespace: string, type: string, id: string, spec: unknown) {
  return {
    metadata: {
      namespace,
      type,
      id,
      version: '2',
      owner: 'test.Controller',
      phase: 'running',
      created,
      updated: created,
    },
    spec: { yamlSpec: stringify(spec) },
  };
}

const hostnameRd = resource('meta', 'ResourceDefinitions.meta.cosi.dev', 'hostnamestatuses.network.talos.dev', {
  type: 'HostnameStatuses.network.talos.dev',
  displayType: 'HostnameStatus',
  defaultNamespace: 'network',
  aliases: ['hostname'],
  allAliases: ['hostname', 'hostnamestatus', 'hostnamestatuses'],
  printColumns: [
    { name: 'Hostname', jsonPath: '{.hostname}' },
    { name: 'Domainname', jsonPath: '{.domainname}' },
  ],
  sensitivity: '',
});

async function fake(t: TestContext) {
  const seen: string[] = [];
  const node = await startFakeNode(t, {
    state: {
      async *list(req, ctx) {
        await Promise.resolve();
        seen.push(`${nodeOf(ctx)} list ${req.namespace}/${req.type}`);
        if (nodeOf(ctx) === 'down') throw new ApiError('unavailable', 'connection refused');
        if (req.type === 'ResourceDefinitions.meta.cosi.dev') yield { resource: hostnameRd };
        if (req.type === 'HostnameStatuses.network.talos.dev') {
          yield {
            resource: resource(req.namespace, req.type, 'hostname', {
              hostname: `host-${nodeOf(ctx)}`,
              domainname: '',
            }),
          };
        }
      },
      get: (req, ctx) => {
        if (req.id !== 'hostname') throw new ApiError('not-found', `resource ${req.id} does not exist`);
        return {
          resource: resource(req.namespace, req.type, req.id, { hostname: `host-${nodeOf(ctx)}`, domainname: 'lan' }),
        };
      },
      async *watch(req, ctx) {
        const r = resource(req.namespace, req.type, 'hostname', { hostname: `host-${nodeOf(ctx)}`, domainname: '' });
        yield { event: [{ eventType: 0, resource: r }] };
        yield { event: [{ eventType: 3 }] };
        yield { event: [{ eventType: 1, resource: r }] };
        await new Promise((resolve) => {
          ctx.signal.addEventListener('abort', resolve, { once: true });
        });
      },
    },
  });
  return { node, seen };
}

test("get TYPE resolves aliases through the node's definitions and prints the type's columns", async (t) => {
  const { node, seen } = await fake(t);
  const run = await osctl(node, ['get', 'hostname', '-n', 'a,b']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    'NODE   NAMESPACE   TYPE             ID         VERSION   HOSTNAME   DOMAINNAME\n' +
      'a      network     HostnameStatus   hostname   2         host-a\n' +
      'b      network     HostnameStatus   hostname   2         host-b\n',
  );
  assert.ok(seen.includes('a list network/HostnameStatuses.network.talos.dev'));
  const plural = await osctl(node, ['get', 'HostnameStatuses', '--namespace', 'other', '-n', 'a']);
  assert.match(plural.stdout, /\na +other +HostnameStatus/);
});

test('get TYPE ID -o yaml and -o json print the node, metadata and spec', async (t) => {
  const { node } = await fake(t);
  const yaml = await osctl(node, ['get', 'hostnamestatus', 'hostname', '-o', 'yaml', '-n', 'a']);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.equal(
    yaml.stdout,
    'node: a\n' +
      'metadata:\n' +
      '    namespace: network\n' +
      '    type: HostnameStatuses.network.talos.dev\n' +
      '    id: hostname\n' +
      '    version: 2\n' +
      '    owner: test.Controller\n' +
      '    phase: running\n' +
      '    created: 2026-01-01T00:00:00.000Z\n' +
      '    updated: 2026-01-01T00:00:00.000Z\n' +
      'spec:\n' +
      '    hostname: host-a\n' +
      '    domainname: lan\n',
  );
  const json = await osctl(node, ['get', 'hostname', 'hostname', '-o', 'json', '-n', 'a']);
  assert.deepEqual(JSON.parse(json.stdout), {
    node: 'a',
    metadata: {
      namespace: 'network',
      type: 'HostnameStatuses.network.talos.dev',
      id: 'hostname',
      version: 2,
      owner: 'test.Controller',
      phase: 'running',
      created: '2026-01-01T00:00:00.000Z',
      updated: '2026-01-01T00:00:00.000Z',
    },
    spec: { hostname: 'host-a', domainname: 'lan' },
  });
});

test('get rd lists definitions; unknown types, ids and failing nodes go to stderr', async (t) => {
  const { node } = await fake(t);
  const rd = await osctl(node, ['get', 'rd', '-n', 'a']);
  assert.equal(rd.code, 0, rd.stderr);
  assert.match(
    rd.stdout,
    /^NODE +NAMESPACE +TYPE +ID +VERSION\na +meta +ResourceDefinition +hostnamestatuses\.network\.talos\.dev +2\n$/,
  );
  const unknown = await osctl(node, ['get', 'gizmos', '-n', 'a']);
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /^a: resource type "gizmos" is not known to the node: list the types with "osctl get rd"\n/,
  );
  const missing = await osctl(node, ['get', 'hostname', 'nope', '-n', 'a,down']);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /^a: \/cosi\.resource\.State\/Get: resource nope does not exist\ndown: \/cosi\.resource\.State\/List: connection refused\n/,
  );
  const usage = await osctl(node, ['get', 'hostname', '-o', 'xml']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /-o "xml": use table, yaml, json or jsonpath=/);
  const path = await osctl(node, ['get', 'hostname', '-o', 'jsonpath={.spec.hostname}', '-n', 'a,b']);
  assert.equal(path.code, 0, path.stderr);
  assert.equal(path.stdout, 'host-a\nhost-b\n');
  assert.equal((await osctl(node, ['get', 'hostname', '-o', 'jsonpath={.spec[}'])).code, 2);
});

test('get -w prints events as they come and stops on Ctrl-C', async (t) => {
  const { node } = await fake(t);
  const controller = new AbortController();
  const running = osctl(node, ['get', 'hostname', '-w', '-n', 'a'], { signal: controller.signal });
  setTimeout(() => {
    controller.abort();
  }, 300);
  const run = await running;
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    '*   NODE   NAMESPACE   TYPE             ID         VERSION   HOSTNAME   DOMAINNAME\n' +
      '+   a      network     HostnameStatus   hostname   2         host-a\n' +
      '    a      network     HostnameStatus   hostname   2         host-a\n',
  );
});
