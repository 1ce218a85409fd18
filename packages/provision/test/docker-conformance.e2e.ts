// The provisioner conformance suite (1 + 1 nodes) on the docker provider with the node image: part
// of `npm run test:e2e`. The current node image is built (through the imager's cache) and loaded
// first; the suite skips, naming the fix, only when no engine answers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerProvisioner, isEngineError } from '../src/index.ts';
import { provisionerConformance } from '../src/provisioner-conformance.ts';
import { nodeImageTarget } from './node-image-fixture.ts';

const { engine, image, skip } = await nodeImageTarget();

provisionerConformance('docker (node image)', {
  make: async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'bronze-docker-e2e-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    return dockerProvisioner({
      stateRoot: root,
      socketPath: engine.socketPath,
      image,
      cidr: '10.213.30.0/28',
    });
  },
  isGone: (node) =>
    engine.inspectContainer(node.name).then(
      () => false,
      (e: unknown) => isEngineError(e, 404),
    ),
  rsaBits: 2048,
  waitTimeoutMs: 120_000,
  loopbackEndpoint: true,
  skip,
});
