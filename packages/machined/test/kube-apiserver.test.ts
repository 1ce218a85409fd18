// The Kubernetes API client and the bootstrap manifests against the real kube-apiserver (over a real
// etcd): every manifest applied twice with server-side apply, read back, and the client's errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bootstrapManifests,
  isKubeApiError,
  kubernetesHealthChecks,
  KubeClient,
  type HealthClient,
  type KubeObject,
} from '@bronze/machinery';
import { KubeApiServerFixture, missingBinaries, testManifestInput as input } from './kube-apiserver-fixture.ts';

const skip = missingBinaries();

function refOf(o: KubeObject): { apiVersion: string; kind: string; name: string; namespace?: string } {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace === undefined ? {} : { namespace: o.metadata.namespace }),
  };
}

test('kube-apiserver: bootstrap manifests and the client', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  const signal = AbortSignal.timeout(110_000);
  const api = await KubeApiServerFixture.start(signal);
  t.after(() => api.stop());
  const admin = await api.client({ commonName: 'admin', organizations: ['system:masters'] });
  const manifests = bootstrapManifests(input);

  await t.test('applies every manifest, twice, and reads it back', async () => {
    const versions = new Map<string, string>();
    for (const round of [1, 2]) {
      for (const m of manifests) {
        for (const o of m.objects) {
          const applied = await admin.apply(o, { signal });
          const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
          const rv = String(applied.metadata['resourceVersion']);
          // the second apply changes nothing: same resourceVersion
          if (round === 2) assert.equal(rv, versions.get(key), `${key} changed on the second apply`);
          versions.set(key, rv);
        }
      }
    }
    const dns = await admin.get(
      { apiVersion: 'v1', kind: 'Service', name: 'kube-dns', namespace: 'kube-system' },
      { signal },
    );
    assert.equal((dns['spec'] as { clusterIP: string }).clusterIP, '10.96.0.10');
    const token = await admin.get(
      { apiVersion: 'v1', kind: 'Secret', name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
      { signal },
    );
    assert.equal(token['type'], 'bootstrap.kubernetes.io/token');
    const managers = (token.metadata['managedFields'] as { manager: string; operation: string }[]).map(
      (f) => f.manager,
    );
    assert.deepEqual(managers, ['bronze']);
    const ds = await admin.list({ apiVersion: 'apps/v1', kind: 'DaemonSet' }, { namespace: 'kube-system', signal });
    assert.deepEqual(ds.map((d) => d.metadata.name).sort(), ['kube-flannel', 'kube-proxy']);
    const crbs = await admin.list(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
      { signal },
    );
    for (const name of [
      'system-bootstrap-node-bootstrapper',
      'system-bootstrap-approve-node-client-csr',
      'system-bootstrap-node-renewal',
    ]) {
      assert.ok(
        crbs.some((c) => c.metadata.name === name),
        name,
      );
    }
  });

  await t.test('the bootstrap token authenticates as a bootstrapper that may create CSRs', async () => {
    const token = input.token;
    const review = await bearerPost(api, token, '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    const user = (review['status'] as { userInfo: { username: string; groups: string[] } }).userInfo;
    assert.equal(user.username, 'system:bootstrap:abcdef');
    assert.ok(user.groups.includes('system:bootstrappers'));
    assert.ok(user.groups.includes('system:bootstrappers:nodes'));
    const access = await bearerPost(api, token, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {
        resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create' },
      },
    });
    assert.equal((access['status'] as { allowed: boolean }).allowed, true);
  });

  await t.test('the service accounts of the manifests may do what their programs do', async () => {
    const may = async (sa: string, attrs: Record<string, string>): Promise<boolean> => {
      const review = await admin.create(
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          metadata: { name: '' },
          spec: {
            user: `system:serviceaccount:kube-system:${sa}`,
            groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
            resourceAttributes: attrs,
          },
        },
        { signal },
      );
      return (review['status'] as { allowed?: boolean }).allowed === true;
    };
    const allowed: [string, Record<string, string>][] = [
      ['flannel', { resource: 'nodes', verb: 'list' }],
      ['flannel', { resource: 'nodes', subresource: 'status', verb: 'patch' }],
      ['flannel', { resource: 'pods', verb: 'get', namespace: 'kube-system' }],
      ['kube-proxy', { group: 'discovery.k8s.io', resource: 'endpointslices', verb: 'watch' }],
      ['kube-proxy', { resource: 'services', verb: 'list' }],
      ['kube-proxy', { resource: 'nodes', verb: 'get' }],
      ['coredns', { group: 'discovery.k8s.io', resource: 'endpointslices', verb: 'list' }],
      ['coredns', { resource: 'namespaces', verb: 'watch' }],
    ];
    for (const [sa, attrs] of allowed) assert.ok(await may(sa, attrs), `${sa} may ${JSON.stringify(attrs)}`);
    assert.equal(await may('coredns', { resource: 'secrets', verb: 'list' }), false);
    assert.equal(await may('flannel', { resource: 'nodes', verb: 'delete' }), false);
  });

  await t.test('the health checks read the real API: no node registered, nothing ready yet', async () => {
    const checks = kubernetesHealthChecks({ kube: () => Promise.resolve(admin) });
    const ctx = { client: {} as HealthClient, controlPlanes: ['127.0.0.1'], workers: [], signal };
    const failures = new Map<string, string>();
    for (const check of checks) {
      await check.run(ctx).catch((err: unknown) => failures.set(check.name, (err as Error).message));
    }
    assert.deepEqual(Object.fromEntries(failures), {
      'all k8s nodes to report': 'nodes not registered: 127.0.0.1',
      'all control plane static pods to be running': 'nodes not registered: 127.0.0.1',
      'all control plane components to be ready': 'nodes not registered: 127.0.0.1',
      'all k8s nodes to report ready': 'nodes not registered: 127.0.0.1',
      'kube-proxy to report ready': 'kube-proxy: 0 of 0 pods ready',
      'coredns to report ready': 'coredns: 0 of 2 replicas ready',
      'all k8s nodes to report schedulable': 'nodes not registered: 127.0.0.1',
    });
  });

  await t.test('404: a missing object, and find() gives undefined', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'absent', namespace: 'kube-system' };
    await assert.rejects(admin.get(ref, { signal }), (err) => {
      assert.ok(isKubeApiError(err, 404));
      assert.equal(err.reason, 'NotFound');
      assert.match(err.message, /configmaps "absent" not found/);
      return true;
    });
    assert.equal(await admin.find(ref, { signal }), undefined);
    await assert.rejects(admin.delete(ref, { signal }), (err) => isKubeApiError(err, 404));
  });

  await t.test('404: a kind the API does not serve', async () => {
    await assert.rejects(
      admin.get({ apiVersion: 'v1', kind: 'Gizmo', name: 'x' }, { signal }),
      (err) => isKubeApiError(err, 404) && /serves no kind Gizmo/.test(err.message),
    );
    await assert.rejects(
      admin.get({ apiVersion: 'nothing.example.com/v1', kind: 'Gizmo', name: 'x' }, { signal }),
      (err) => isKubeApiError(err, 404),
    );
  });

  await t.test('409: create of an existing object; create and delete otherwise', async () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'bronze-test', namespace: 'default' },
      data: { a: '1' },
    };
    await admin.create(cm, { signal });
    await assert.rejects(admin.create(cm, { signal }), (err) => {
      assert.ok(isKubeApiError(err, 409));
      assert.equal(err.reason, 'AlreadyExists');
      assert.match(err.message, /already exists/);
      return true;
    });
    await admin.delete(refOf(cm), { signal });
    assert.equal(await admin.find(refOf(cm), { signal }), undefined);
  });

  await t.test('409: apply without force over another manager conflicts', async () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'owned', namespace: 'default' },
      data: { a: '1' },
    };
    await admin.apply(cm, { signal, fieldManager: 'someone-else' });
    await assert.rejects(
      admin.apply({ ...cm, data: { a: '2' } }, { signal, force: false }),
      (err) => isKubeApiError(err, 409) && err.reason === 'Conflict',
    );
    const forced = await admin.apply({ ...cm, data: { a: '2' } }, { signal });
    assert.deepEqual(forced['data'], { a: '2' });
  });

  await t.test('403: a certificate without rights', async () => {
    const nobody = await api.client({ commonName: 'nobody' });
    await assert.rejects(
      nobody.get(
        { apiVersion: 'v1', kind: 'Secret', name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
        { signal },
      ),
      (err) => {
        assert.ok(isKubeApiError(err, 403));
        assert.equal(err.reason, 'Forbidden');
        assert.match(err.message, /User "nobody" cannot get resource "secrets"/);
        return true;
      },
    );
  });

  await t.test('401: a certificate from another CA', async () => {
    const other = await api.foreignClient();
    await assert.rejects(other.list({ apiVersion: 'v1', kind: 'Namespace' }, { signal }), (err) =>
      isKubeApiError(err, 401),
    );
  });

  await t.test('status 0: connection refused', async () => {
    const dead = await api.client({ commonName: 'admin', organizations: ['system:masters'] }, 'https://127.0.0.1:1');
    await assert.rejects(dead.get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' }, { signal }), (err) => {
      assert.ok(isKubeApiError(err, 0));
      assert.equal(err.reason, 'ECONNREFUSED');
      assert.match(err.message, /https:\/\/127\.0\.0\.1:1\/api\/v1: .*is the API server up\?/);
      return true;
    });
  });

  assert.ok(admin instanceof KubeClient);
});

/** A POST with a bearer token that must create (201); its answer. */
async function bearerPost(
  api: KubeApiServerFixture,
  token: string,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const res = await api.post(path, body, { token });
  assert.equal(res.status, 201, res.text);
  return JSON.parse(res.text) as Record<string, unknown>;
}
