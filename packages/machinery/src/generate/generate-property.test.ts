import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import { parseClientConfig } from '../client-config/codec.ts';
import { formatIssue } from '../config/issue.ts';
import { loadConfig } from '../config/load.ts';
import { validateConfig } from '../config/validate/validate.ts';
import { generateSecretsBundle, type SecretsBundle } from '../secrets/secrets-bundle.ts';
import { generateConfigs } from './generate-configs.ts';
import { isGenerateError } from './generate-error.ts';

let secrets: SecretsBundle;
before(async () => {
  secrets = await generateSecretsBundle({ rsaBits: 2048 });
});

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
// A DNS name whose last label starts with a letter (one ending in a number reads as an IPv4 address).
const tld = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
const host = fc.oneof(
  fc.ipV4(),
  fc.tuple(fc.array(label, { maxLength: 2 }), tld).map(([parts, last]) => [...parts, last].join('.')),
);

test('any valid name, endpoint and SANs give configs that load and validate (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      label,
      host,
      fc.integer({ min: 1, max: 65535 }),
      fc.array(host, { maxLength: 3 }),
      async (name, h, port, sans) => {
        const out = await generateConfigs({
          clusterName: name,
          endpoint: `https://${h}:${port}`,
          secrets,
          additionalSans: sans,
        });
        for (const text of [out.controlplane, out.worker]) {
          const loaded = loadConfig(text);
          assert.deepEqual(
            loaded.errors.map((i) => formatIssue(i)),
            [],
          );
          assert.ok(loaded.config);
          assert.deepEqual(
            validateConfig(loaded.config, { mode: 'metal' }).errors.map((i) => formatIssue(i)),
            [],
          );
        }
        const cp = parse(out.controlplane) as {
          cluster: { apiServer: { certSANs: string[] }; controlPlane: { endpoint: string } };
        };
        assert.equal(cp.cluster.controlPlane.endpoint, `https://${h}:${port}`);
        assert.equal(cp.cluster.apiServer.certSANs[0], h);
        assert.equal(parseClientConfig(out.talosconfig).context, name);
      },
    ),
    { numRuns: 25 },
  );
});

test('random endpoints end in configs or a GenerateError, never a crash (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 30 }), async (endpoint) => {
      try {
        await generateConfigs({ clusterName: 'demo', endpoint, secrets });
      } catch (err) {
        assert.ok(isGenerateError(err), String(err));
      }
    }),
    { numRuns: 100 },
  );
});
