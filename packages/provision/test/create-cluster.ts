// Creates a cluster from the command line, for tests that kill the creator half-way:
// create-cluster.ts STATE_ROOT NAME WORKERS (the node program comes from $BRONZE_MACHINED).
import { processProvisioner } from '../src/index.ts';

const [root = '', name = '', workers = '0'] = process.argv.slice(2);
await processProvisioner({ stateRoot: root }).create({
  name,
  controlPlanes: 1,
  workers: Number(workers),
  rsaBits: 2048,
  waitTimeoutMs: 120_000,
});
