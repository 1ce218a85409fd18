// What a component image carries beside its binary: host files, links and empty directories.
export interface HostFile {
  from: string;
  /** Absolute path inside the image. */
  to: string;
  sha256: string;
  mode: number;
}

export interface ImageLink {
  /** Absolute path of the link inside the image. */
  to: string;
  target: string;
}

/** Host files and links an image carries beside its binary (its digests count in the cache key). */
export interface ImageExtras {
  files: HostFile[];
  symlinks: ImageLink[];
  /** Empty directories (absolute paths). */
  dirs: string[];
}
