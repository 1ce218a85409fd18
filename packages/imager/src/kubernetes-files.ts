import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Component } from './components.ts';
import { sha256File } from './components.ts';
import {
  buildComponentImages,
  componentBinary,
  defaultImageCache,
  imageIndex,
  ImageIndexFile,
  type BuildComponentImagesOptions,
} from './components/component-images.ts';
import { ComponentImagesDir } from './components/image-specs.ts';
import { upstreamComponent } from './components/upstream-list.ts';

/** Upstream binaries the node image carries itself (not inside a container image), and where. */
export const NodeBinaries: readonly { component: string; to: string }[] = [
  // kubeadm 1.34 needs etcd >= 3.5.24; Debian's etcd-server is 3.4.23.
  { component: 'etcd', to: '/usr/bin/etcd' },
  { component: 'etcdutl', to: '/usr/bin/etcdutl' },
  // Debian's containerd is 1.6 (end of life); both the system and the CRI instance run this one.
  { component: 'containerd', to: '/usr/bin/containerd' },
  { component: 'containerd-shim-runc-v2', to: '/usr/bin/containerd-shim-runc-v2' },
  { component: 'kubelet', to: '/usr/bin/kubelet' },
  // docs/KUBERNETES.md: flannel's DaemonSet then needs no init container to install it.
  { component: 'flannel-cni', to: '/opt/cni/bin/flannel' },
];

/**
 * The Kubernetes part of the node image as pinned components (same shape as components.json, with
 * the digests of this machine's builds): etcd and etcdutl, kubelet, the flannel CNI plugin, every component image
 * archive in /usr/share/bronze/images and the index.json the node imports them from at boot.
 * Binaries come from the component cache (built first when missing: minutes each).
 */
export async function kubernetesComponents(opts: BuildComponentImagesOptions = {}): Promise<Component[]> {
  const out: Component[] = [];
  for (const b of NodeBinaries) {
    const c = upstreamComponent(b.component);
    if (c === undefined || c.source.kind !== 'go-module') throw new Error(`${b.component} is not a built component`);
    const bin = await componentBinary(b.component, opts);
    out.push({
      name: b.component,
      version: c.version,
      source: { kind: 'go', package: c.source.package },
      files: [{ from: bin.path, to: b.to, sha256: bin.sha256 }],
    });
  }
  opts.onProgress?.('component images: building or taking them from the cache');
  const images = await buildComponentImages(opts);
  for (const img of images)
    out.push({
      name: `image ${img.name}`,
      version: img.ref,
      source: { kind: 'oci', package: img.ref },
      files: [{ from: img.archivePath, to: `/${ComponentImagesDir}/${img.name}.tar`, sha256: img.sha256 }],
    });
  const cache = opts.imageCache ?? defaultImageCache;
  await mkdir(cache, { recursive: true });
  const index = join(cache, ImageIndexFile);
  const tmp = `${index}.${String(process.pid)}`;
  await writeFile(tmp, `${JSON.stringify(imageIndex(images), null, 2)}\n`, { mode: 0o644 });
  await rename(tmp, index);
  out.push({
    name: 'image-index',
    version: String(images.length),
    source: { kind: 'oci', package: 'bronze imager' },
    files: [{ from: index, to: `/${ComponentImagesDir}/${ImageIndexFile}`, sha256: await sha256File(index) }],
  });
  return out;
}
