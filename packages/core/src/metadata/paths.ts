/** Where the metadata store lives under a `--root` (containerd's io.containerd.metadata.v1/meta.db). */
import * as path from 'node:path';

export interface MetadataPaths {
  dir: string;
  db: string;
}

export function metadataPaths(root: string): MetadataPaths {
  const dir = path.join(root, 'io.containerd.metadata.v1');
  return { dir, db: path.join(dir, 'meta.db') };
}
