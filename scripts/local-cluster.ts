// npm run cluster: brings up a local Bronze cluster for a new user. Until the node (machined, apid)
// and the providers exist, it says what is missing instead of pretending, and exits 1.
const missing = [
  'machined and apid (the node and its machine API)',
  'control-plane formation (etcd bootstrap, trustd)',
  'the node image and the docker provider (osctl cluster create docker)',
];
process.stderr.write(
  'cluster: Bronze cannot start a local cluster yet; these parts are still being built:\n' +
    missing.map((m) => `  - ${m}\n`).join('') +
    'cluster: the CLI works offline meanwhile: npx osctl --help\n',
);
process.exitCode = 1;
