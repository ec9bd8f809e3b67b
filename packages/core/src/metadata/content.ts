/**
 * Content references: which blobs of the (shared) content store a namespace holds, with the
 * blob's labels. Labels `containerd.io/gc.ref.content*` name child blobs (a manifest's config
 * and layers), which garbage collection follows as containerd does.
 */
import { InvalidArgumentError } from '../errors';
import { labelsJson, notFound, now, parseLabels, type StoreContext } from './context';
import type { ContentRef, LabelFilter, Labels } from './types';
import { matchLabels, validateDigest, validateLabels } from './validate';

interface Row {
  namespace: string;
  digest: string;
  size: number;
  labels: string;
  created_at: number;
  updated_at: number;
}

function toRef(r: Row): ContentRef {
  return { namespace: r.namespace, digest: r.digest, size: r.size, labels: parseLabels(r.labels), createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) };
}

export interface ContentInput {
  digest: string;
  size: number;
  /** When given, replaces the labels of an existing reference; when absent they are kept. */
  labels?: Labels;
}

export class Content {
  constructor(private readonly s: StoreContext) {}

  find(namespace: string, digest: string): ContentRef | undefined {
    const r = this.s.stmt('SELECT * FROM content WHERE namespace = ? AND digest = ?').get(namespace, digest) as Row | undefined;
    return r ? toRef(r) : undefined;
  }

  get(namespace: string, digest: string): ContentRef {
    const c = this.find(namespace, digest);
    if (!c) throw notFound(`content ${digest}`, namespace);
    return c;
  }

  list(namespace: string, labels?: LabelFilter): ContentRef[] {
    return (this.s.stmt('SELECT * FROM content WHERE namespace = ? ORDER BY digest').all(namespace) as Row[])
      .map(toRef)
      .filter((c) => matchLabels(c.labels, labels));
  }

  /** Records that the namespace holds the blob (idempotent: a second add updates size/labels). */
  add(namespace: string, input: ContentInput): ContentRef {
    validateDigest(input.digest);
    if (!Number.isSafeInteger(input.size) || input.size < 0) throw new InvalidArgumentError(`content ${input.digest}: size ${input.size} is not a non-negative integer`);
    if (input.labels) validateLabels(input.labels);
    return this.s.tx(() => {
      this.s.ensureNamespace(namespace);
      const t = now();
      const cur = this.find(namespace, input.digest);
      if (cur) {
        this.s.stmt('UPDATE content SET size = ?, labels = ?, updated_at = ? WHERE namespace = ? AND digest = ?')
          .run(input.size, labelsJson(input.labels ?? cur.labels), t, namespace, input.digest);
      } else {
        this.s.stmt('INSERT INTO content (namespace, digest, size, labels, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(namespace, input.digest, input.size, labelsJson(input.labels), t, t);
      }
      return this.get(namespace, input.digest);
    });
  }

  setLabels(namespace: string, digest: string, labels: Labels): ContentRef {
    validateLabels(labels);
    return this.s.tx(() => {
      const r = this.s.stmt('UPDATE content SET labels = ?, updated_at = ? WHERE namespace = ? AND digest = ?').run(labelsJson(labels), now(), namespace, digest);
      if (r.changes === 0) throw notFound(`content ${digest}`, namespace);
      return this.get(namespace, digest);
    });
  }

  /** Drops the namespace's reference. Returns whether any namespace still references the blob. */
  remove(namespace: string, digest: string): { stillReferenced: boolean } {
    return this.s.tx(() => {
      const r = this.s.stmt('DELETE FROM content WHERE namespace = ? AND digest = ?').run(namespace, digest);
      if (r.changes === 0) throw notFound(`content ${digest}`, namespace);
      return { stillReferenced: this.isReferenced(digest) };
    });
  }

  /** Whether any namespace holds the blob. */
  isReferenced(digest: string): boolean {
    return this.s.stmt('SELECT 1 FROM content WHERE digest = ? LIMIT 1').get(digest) !== undefined;
  }

  /** Of the given digests (e.g. every blob on disk), those that no namespace references. */
  unreferenced(digests: Iterable<string>): string[] {
    return this.s.read(() => [...new Set(digests)].filter((d) => !this.isReferenced(d)).sort());
  }
}
