/**
 * One upstream program a Bronze node runs, pinned: where its source comes from, how it is built and
 * what the build produced the first time (so a rebuild can be checked for reproducibility).
 */
export type UpstreamSource = GoModuleSource | CSourceInModule | DebianSource;

/** Built with `go build` from a Go module fetched through the module proxy. */
export interface GoModuleSource {
  kind: 'go-module';
  /** Module path, e.g. `k8s.io/kubernetes`. */
  module: string;
  /** Package path of the main package, e.g. `k8s.io/kubernetes/cmd/kubelet`. */
  package: string;
  /**
   * Module version to build when it differs from the component's own version (agnhost 2.56 is a
   * package of k8s.io/kubernetes v1.34.10); defaults to the component version.
   */
  moduleVersion?: string;
  /**
   * Version given to the module's own path replaces (`replace k8s.io/api => ./staging/src/k8s.io/api`):
   * a module fetched from the proxy lacks those directories, so each becomes `=> k8s.io/api <version>`.
   */
  localReplaceVersion?: string;
  /**
   * Dependencies the module proxy here does not serve at the version upstream pins, moved to the
   * nearest version it serves: `module => module version` lines added to the driver go.mod.
   */
  replaces?: readonly string[];
  tags?: readonly string[];
  /** `-X` flags the upstream build scripts pass, as `importpath.name=value`. */
  versionFlags?: readonly string[];
  /** Build with cgo (linked static with `-extldflags=-static`) where upstream needs it; off by default. */
  cgo?: boolean;
}

/** A C program inside a Go module (the pause program in k8s.io/kubernetes), built with the host's gcc. */
export interface CSourceInModule {
  kind: 'c-in-module';
  module: string;
  /** Source files relative to the module root. */
  files: readonly string[];
  cflags: readonly string[];
}

/** Installed from a Debian package by scripts/setup-host; not built here. */
export interface DebianSource {
  kind: 'debian';
  package: string;
  /** Absolute path of the installed binary. */
  path: string;
}

/** What the first build produced: the digest a rebuild with the same toolchain must reproduce. */
export interface BuiltChecksum {
  sha256: string;
  /** Toolchain that produced it: `go1.26.8`, or `gcc 12.2.0` for C. */
  toolchain: string;
}

/**
 * The official release binary of the same version, for machines that can reach it: used instead of
 * building from source with `from: 'release'` (`osctl image components build --from release`).
 */
export interface ReleaseBinary {
  /** An https URL of the binary itself (e.g. https://dl.k8s.io/release/v1.34.10/bin/linux/amd64/kubelet). */
  url: string;
  /** The SHA-256 the release publishes for it: the download is refused unless it matches. */
  sha256: string;
}

export interface UpstreamComponent {
  name: string;
  version: string;
  source: UpstreamSource;
  release?: ReleaseBinary;
  /** File name of the produced binary. */
  binary: string;
  /** Why this version (or this source), in one sentence. */
  reason: string;
  built?: BuiltChecksum;
}
