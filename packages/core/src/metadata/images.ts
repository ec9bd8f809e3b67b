/** Image records: a name in a namespace pointing at a target descriptor (index or manifest). */
import { AlreadyExistsError } from '../errors';
import { labelsJson, notFound, now, parseLabels, type StoreContext } from './context';
import type { Descriptor, Image, LabelFilter, Labels } from './types';
import { matchLabels, validateDescriptor, validateLabels, validateNonEmpty } from './validate';

interface Row {
  namespace: string;
  name: string;
  target_media_type: string;
  target_digest: string;
  target_size: number;
  labels: string;
  created_at: number;
  updated_at: number;
}

function toImage(r: Row): Image {
  return {
    namespace: r.namespace,
    name: r.name,
    target: { mediaType: r.target_media_type, digest: r.target_digest, size: r.target_size },
    labels: parseLabels(r.labels),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export interface ImageInput {
  name: string;
  target: Descriptor;
  labels?: Labels;
}

export interface ImageFilter {
  namePrefix?: string;
  labels?: LabelFilter;
}

export interface ImageUpdate {
  target?: Descriptor;
  /** Replaces the whole label set. */
  labels?: Labels;
}

export class Images {
  constructor(private readonly s: StoreContext) {}

  find(namespace: string, name: string): Image | undefined {
    const r = this.s.stmt('SELECT * FROM images WHERE namespace = ? AND name = ?').get(namespace, name) as Row | undefined;
    return r ? toImage(r) : undefined;
  }

  get(namespace: string, name: string): Image {
    const img = this.find(namespace, name);
    if (!img) throw notFound(`image "${name}"`, namespace);
    return img;
  }

  list(namespace: string, filter: ImageFilter = {}): Image[] {
    const rows = (filter.namePrefix
      ? this.s.stmt("SELECT * FROM images WHERE namespace = ? AND substr(name, 1, length(?)) = ? ORDER BY name").all(namespace, filter.namePrefix, filter.namePrefix)
      : this.s.stmt('SELECT * FROM images WHERE namespace = ? ORDER BY name').all(namespace)) as Row[];
    return rows.map(toImage).filter((i) => matchLabels(i.labels, filter.labels));
  }

  create(namespace: string, input: ImageInput): Image {
    validateNonEmpty('image name', input.name);
    validateDescriptor(`image "${input.name}" target`, input.target);
    validateLabels(input.labels ?? {});
    return this.s.tx(() => {
      this.s.ensureNamespace(namespace);
      if (this.find(namespace, input.name)) throw new AlreadyExistsError(`image "${input.name}" in namespace "${namespace}": already exists`);
      const t = now();
      this.s.stmt(`INSERT INTO images (namespace, name, target_media_type, target_digest, target_size, labels, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(namespace, input.name, input.target.mediaType, input.target.digest, input.target.size, labelsJson(input.labels), t, t);
      return this.get(namespace, input.name);
    });
  }

  update(namespace: string, name: string, patch: ImageUpdate): Image {
    if (patch.target) validateDescriptor(`image "${name}" target`, patch.target);
    if (patch.labels) validateLabels(patch.labels);
    return this.s.tx(() => {
      const cur = this.get(namespace, name);
      const target = patch.target ?? cur.target;
      this.s.stmt(`UPDATE images SET target_media_type = ?, target_digest = ?, target_size = ?, labels = ?, updated_at = ?
        WHERE namespace = ? AND name = ?`).run(target.mediaType, target.digest, target.size, labelsJson(patch.labels ?? cur.labels), now(), namespace, name);
      return this.get(namespace, name);
    });
  }

  delete(namespace: string, name: string): void {
    this.s.tx(() => {
      const r = this.s.stmt('DELETE FROM images WHERE namespace = ? AND name = ?').run(namespace, name);
      if (r.changes === 0) throw notFound(`image "${name}"`, namespace);
    });
  }
}
