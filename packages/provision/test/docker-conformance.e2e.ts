// The provisioner conformance suite (1 + 1 nodes) on the docker provider with the node image: part
// of `npm run test:e2e`; skipped, naming what is missing, without an engine or the image.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultNodeImage, dockerProvisioner, isEngineError } from '../src/index.ts';
import { provisionerConformance } from '../src/provisioner-conformance.ts';
import { resolveDockerHost } from '../src/docker/docker-host.ts';
import { engineClient } from '../src/docker/engine-client.ts';

const engine = engineClient(resolveDockerHost());
const reachable = (await engine.ping().catch(() => '')) === 'OK';
const hasImage =
  reachable &&
  (await engine.inspectImage(DefaultNodeImage).then(
    () => true,
    () => false,
  ));

provisionerConformance('docker (node image)', {
  make: async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'bronze-docker-e2e-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    return dockerProvisioner({
      stateRoot: root,
      socketPath: engine.socketPath,
      image: DefaultNodeImage,
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
  skip: !reachable
    ? `no engine answers on ${engine.socketPath}: run scripts/podman-service`
    : !hasImage
      ? `needs the node image ${DefaultNodeImage} in the engine (packages/imager build + import)`
      : false,
});
