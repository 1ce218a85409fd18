import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import fc from 'fast-check';
import { certificateInfo, parseCertificatePem } from '../pki/certificate.ts';
import { parsePrivateKeyPem } from '../pki/keys.ts';
import { verifyCertificate } from '../pki/verify.ts';
import { rolesFromCertificate } from '../roles.ts';
import { generateConfigs } from '../generate/generate-configs.ts';
import { isSecretsBundleError, parseSecretsBundle, serializeSecretsBundle } from './bundle-codec.ts';
import { secretsBundleFromControlPlaneConfig } from './bundle-from-config.ts';
import { loadSecretsBundle, saveSecretsBundle } from './bundle-file.ts';
import { isOutputExistsError, writeFilesAtomic } from './output-files.ts';
import { generateSecretsBundle, issueClientCertificate, type SecretsBundle } from './secrets-bundle.ts';
import { generateToken, TokenPattern } from './tokens.ts';

let bundle: SecretsBundle;
let text: string;
before(async () => {
  bundle = await generateSecretsBundle({ rsaBits: 2048 });
  text = serializeSecretsBundle(bundle);
});

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-secrets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function mutate(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(text);
  edit(doc);
  return doc.toString();
}

function problemsOf(input: string): string[] {
  try {
    parseSecretsBundle(input, 'secrets.yaml');
  } catch (err) {
    assert.ok(isSecretsBundleError(err), String(err));
    assert.match(err.message, /^secrets\.yaml is not a valid secrets bundle: /);
    return err.problems;
  }
  assert.fail('the bundle was accepted');
}

test('malformed YAML and wrong shapes are reported with line:column', () => {
  assert.match(problemsOf('cluster: [\n')[0] ?? '', /^\d+:\d+: /);
  assert.match(problemsOf('- a\n- b\n')[0] ?? '', /the document: want a mapping/);
  const dup = text.replace('trustdinfo:', 'cluster:\n    id: x\ntrustdinfo:');
  assert.match(problemsOf(dup).join(';'), /unique|duplicate/i);
});

test('unknown, missing and mistyped fields each name their path and place', () => {
  const unknown = mutate((d) => {
    d.setIn(['certs', 'etcd', 'extra'], 'x');
  });
  assert.ok(problemsOf(unknown).some((p) => /^\d+:\d+: certs\.etcd\.extra: unknown field/.test(p)));
  const missing = mutate((d) => d.deleteIn(['trustdinfo', 'token']));
  assert.ok(problemsOf(missing).some((p) => p.includes('trustdinfo.token: is required')));
  const typed = mutate((d) => {
    d.setIn(['cluster', 'id'], 42);
  });
  assert.ok(problemsOf(typed).some((p) => /^\d+:\d+: cluster\.id: want a string, found 42/.test(p)));
});

test('tokens, secrets and PEM fields of the wrong form are refused with the value', () => {
  const token = mutate((d) => {
    d.setIn(['secrets', 'bootstraptoken'], 'ABCDEF.0123456789abcdef');
  });
  assert.ok(
    problemsOf(token).some((p) => p.includes('secrets.bootstraptoken: "ABCDEF.0123456789abcdef" is not a token')),
  );
  const secret = mutate((d) => {
    d.setIn(['cluster', 'secret'], 'c2hvcnQ=');
  });
  assert.ok(problemsOf(secret).some((p) => p.includes('cluster.secret: "c2hvcnQ=" is not base64 of 32 bytes')));
  const both = mutate((d) => {
    d.setIn(['secrets', 'aescbcencryptionsecret'], bundle.secrets.secretboxEncryptionSecret);
  });
  assert.ok(problemsOf(both).some((p) => p.includes('found both')));
  const corrupt = mutate((d) => {
    d.setIn(['certs', 'os', 'crt'], 'bm90IHBlbQ==');
  });
  assert.ok(problemsOf(corrupt).some((p) => p.includes('certs.os.crt: base64 does not decode to PEM')));
});

test('a certificate paired with another CA key is refused', () => {
  const swapped = mutate((d) => {
    d.setIn(['certs', 'os', 'key'], d.getIn(['certs', 'etcd', 'key']));
  });
  assert.ok(problemsOf(swapped).some((p) => p.startsWith('certs.os: the key does not match the certificate')));
});

test('a generated bundle has the Talos algorithms, subjects and lifetimes', () => {
  const os = parseCertificatePem(bundle.certs.os.crt);
  assert.deepEqual(certificateInfo(os).organizations, ['talos']);
  assert.equal(parsePrivateKeyPem(bundle.certs.os.key).algorithm, 'ed25519');
  assert.equal(parsePrivateKeyPem(bundle.certs.k8s.key).algorithm, 'ecdsa-p256');
  assert.equal(parsePrivateKeyPem(bundle.certs.etcd.key).algorithm, 'ecdsa-p256');
  assert.equal(certificateInfo(parseCertificatePem(bundle.certs.k8sAggregator.crt)).commonName, 'front-proxy');
  assert.equal(parsePrivateKeyPem(bundle.certs.k8sServiceAccount.key).algorithm, 'rsa');
  const years = (certificateInfo(os).notAfter.getTime() - Date.now()) / (365 * 86_400_000);
  assert.ok(years > 9.9 && years < 10.1, String(years));
  assert.match(bundle.secrets.bootstrapToken, TokenPattern);
  assert.ok(text.startsWith('cluster:\n    id: '));
  assert.match(text, /\ncerts:\n {4}etcd:\n {8}crt: LS0t/);
});

test('a bundle round-trips through its text form, including an aescbc bundle from older Talos', () => {
  assert.deepEqual(parseSecretsBundle(text), bundle);
  const old: SecretsBundle = {
    ...bundle,
    secrets: {
      bootstrapToken: bundle.secrets.bootstrapToken,
      aescbcEncryptionSecret: bundle.secrets.secretboxEncryptionSecret ?? '',
    },
  };
  assert.deepEqual(parseSecretsBundle(serializeSecretsBundle(old)), old);
});

test('the admin client certificate is signed by the OS CA with the roles asked for', async () => {
  const admin = await issueClientCertificate(bundle);
  const cert = parseCertificatePem(admin.crt);
  verifyCertificate(cert, { roots: [parseCertificatePem(bundle.certs.os.crt)], usage: 'clientAuth' });
  assert.deepEqual(rolesFromCertificate(cert).roles, ['os:admin']);
  const reader = await issueClientCertificate(bundle, { roles: ['os:reader'], lifetimeMs: 3_600_000 });
  assert.deepEqual(rolesFromCertificate(parseCertificatePem(reader.crt)).roles, ['os:reader']);
});

test('saving writes 0600, refuses an existing file without force and loads back', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'secrets.yaml');
  await saveSecretsBundle(path, bundle);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  await assert.rejects(
    saveSecretsBundle(path, bundle),
    (err: unknown) => isOutputExistsError(err) && err.message.includes('--force'),
  );
  await saveSecretsBundle(path, bundle, { force: true });
  assert.deepEqual(await loadSecretsBundle(path), bundle);
  assert.deepEqual(await readdir(dir), ['secrets.yaml']);
  await assert.rejects(loadSecretsBundle(join(dir, 'missing.yaml')), /failed to read secrets bundle .*missing\.yaml/);
});

test('a multi-file write that meets an existing file writes nothing', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'b'), 'old');
  await assert.rejects(
    writeFilesAtomic([
      { path: join(dir, 'a'), data: 'new', mode: 0o644 },
      { path: join(dir, 'b'), data: 'new', mode: 0o644 },
    ]),
    isOutputExistsError,
  );
  assert.deepEqual(await readdir(dir), ['b']);
  assert.equal(await readFile(join(dir, 'b'), 'utf8'), 'old');
});

test('tokens always have the Talos form (property)', () => {
  fc.assert(
    fc.property(fc.constant(null), () => TokenPattern.test(generateToken())),
    { numRuns: 200 },
  );
});

test('random edits of a bundle end in a bundle or a clear error, never a crash (property)', () => {
  fc.assert(
    fc.property(fc.nat(text.length - 1), fc.string({ maxLength: 4 }), (pos, insert) => {
      const mutated = text.slice(0, pos) + insert + text.slice(pos + 1);
      try {
        parseSecretsBundle(mutated);
      } catch (err) {
        assert.ok(isSecretsBundleError(err), String(err));
      }
    }),
    { numRuns: 60 },
  );
});

test('a bundle is recovered from a control-plane config, and refused from a worker config', async () => {
  const configs = await generateConfigs({ clusterName: 'demo', endpoint: 'https://lb:6443', secrets: bundle });
  assert.deepEqual(secretsBundleFromControlPlaneConfig(configs.controlplane, 'controlplane.yaml'), bundle);
  assert.throws(() => secretsBundleFromControlPlaneConfig(configs.worker, 'worker.yaml'), /machine\.type is worker/);
  const noKey = configs.controlplane.replace(/(\n {4}serviceAccount:\n {8}key: )\S+/, '$1""');
  assert.throws(
    () => secretsBundleFromControlPlaneConfig(noKey, 'cp.yaml'),
    /cluster\.serviceAccount\.key: is missing or empty/,
  );
  assert.throws(() => secretsBundleFromControlPlaneConfig('kind: Other\n', 'cp.yaml'), /no v1alpha1 document/);
});
