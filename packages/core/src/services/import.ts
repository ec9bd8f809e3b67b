/**
 * `ctr images import`: a docker-save or OCI layout archive (tar, optionally gzip/zstd) read in
 * one streaming pass into ingests, checked as a whole (names, digests, sizes, media types, every
 * referenced blob present), then committed to the content store, unpacked into snapshots, and
 * recorded — content refs and image records in ONE metadata transaction. A refused archive leaves
 * no blob, no record and no ingest behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { ContentStore, ingestFromStream } from '../content';
import { BerthError, InvalidArgumentError, NotFoundError } from '../errors';
import { openMetadata } from '../metadata';
import { MediaType } from '../images/media-types';
import { formatPlatform, hostPlatform, parsePlatform, platformMatcher, type Platform } from '../images/platform';
import { dockerIndex, planImport, readArchive, type ArchiveContents, type ImportPlan, type NameOptions, type OciDescriptor } from '../images/archive';
import { takeGcLock } from './gc-lock';
import { unpackImage } from './unpack-image';

export type ImportProgress =
  | { kind: 'unpacking'; name: string; digest: string }
  | { kind: 'unpacked'; name: string };

export interface ImportOptions {
  root: string;
  namespace: string;
  /** A file name, or "-" for `stdin`. */
  input: string;
  /** The stream to read when input is "-" (process.stdin by default). */
  stdin?: Readable;
  /** Keep only names under this prefix, and name tags of OCI archives after it. */
  baseName?: string;
  /** Also record `<base>@<digest>` images. */
  digests?: boolean;
  skipDigestForNamed?: boolean;
  /** Also record the whole index under this name. */
  indexName?: string;
  allPlatforms?: boolean;
  /** `os/arch[/variant]`; the host's by default. */
  platform?: string;
  /** Unpack into snapshots (default true). */
  unpack?: boolean;
  snapshotter?: string;
  /** Labels of the created images. */
  labels?: Record<string, string>;
  onProgress?: (p: ImportProgress) => void;
  /** For the date in `import-YYYY-MM-DD` (tests). */
  now?: Date;
}

export interface ImportedImage {
  name: string;
  target: { mediaType: string; digest: string; size: number };
  unpacked: boolean;
}

function localDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** containerd's ref translators: tags join the prefix; full references must lie under it when one was given. */
export function importNames(opts: Pick<ImportOptions, 'baseName' | 'digests' | 'skipDigestForNamed' | 'indexName' | 'now'>): NameOptions {
  const filter = opts.baseName !== undefined && opts.baseName !== '';
  const prefix = filter ? opts.baseName as string : `import-${localDate(opts.now ?? new Date())}`;
  const underPrefix = (ref: string): boolean => {
    if (!ref.startsWith(prefix)) return false;
    return ref.length === prefix.length || '/:@'.includes(ref.charAt(prefix.length));
  };
  const names: NameOptions = {
    refName: (ref) => {
      if (/[/:@]/.test(ref)) return filter && !underPrefix(ref) ? '' : ref;
      return `${prefix}:${ref}`;
    },
  };
  if (opts.digests) names.digestName = (d) => `${prefix}@${d}`;
  if (opts.skipDigestForNamed) names.skipDigestForNamed = true;
  if (opts.indexName) names.indexName = opts.indexName;
  return names;
}

function openInput(opts: ImportOptions): { stream: Readable; source: string } {
  if (opts.input === '-') return { stream: opts.stdin ?? process.stdin, source: 'stdin' };
  let fd: number;
  try {
    fd = fs.openSync(opts.input, 'r');
    if (fs.fstatSync(fd).isDirectory()) {
      fs.closeSync(fd);
      throw new InvalidArgumentError(`archive ${opts.input}: is a directory, not a tar archive`);
    }
  } catch (err) {
    if (err instanceof BerthError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new NotFoundError(`archive ${opts.input}: no such file`);
    throw new InvalidArgumentError(`archive ${opts.input}: ${e.message}`);
  }
  return { stream: fs.createReadStream('', { fd, highWaterMark: 1 << 20 }), source: opts.input };
}

/** The top index of the archive: index.json as it is (OCI), or the one containerd builds (docker). */
function topIndex(contents: ArchiveContents): { bytes: Buffer; desc: OciDescriptor; generated: Map<string, Buffer>; files: Map<string, import('../images/archive').ArchiveFile> } {
  const desc = (bytes: Buffer): OciDescriptor => ({ mediaType: MediaType.OciIndex, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length });
  const layout = contents.files.get('oci-layout');
  if (layout) {
    const v = contents.json(layout)['imageLayoutVersion'];
    if (v !== '1.0.0') throw contents.error('oci-layout', `unsupported imageLayoutVersion ${JSON.stringify(v)}`);
  }
  const indexJson = contents.files.get('index.json');
  if (indexJson) {
    const bytes = contents.text(indexJson);
    const idx = contents.json(indexJson);
    if (!Array.isArray(idx['manifests'])) throw contents.error('index.json', '"manifests" is not a list');
    return { bytes, desc: desc(bytes), generated: new Map(), files: new Map() };
  }
  const manifestJson = contents.files.get('manifest.json');
  if (manifestJson) {
    const built = dockerIndex(contents, manifestJson);
    return { bytes: built.index, desc: desc(built.index), generated: built.generated, files: built.files };
  }
  throw new InvalidArgumentError(`archive ${contents.source}: neither index.json nor manifest.json in it: not an OCI layout or docker save archive`);
}

export async function importImages(opts: ImportOptions): Promise<ImportedImage[]> {
  // Shared with pulls, exclusive with garbage collection: our blobs are unreferenced until recorded.
  const release = takeGcLock(opts.root, false);
  try {
    return await importLocked(opts);
  } finally {
    release();
  }
}

async function importLocked(opts: ImportOptions): Promise<ImportedImage[]> {
  const store = new ContentStore(opts.root);
  const target: Platform = opts.platform ? parsePlatform(opts.platform) : hostPlatform();
  const { stream, source } = openInput(opts);
  const contents = await readArchive(stream, { source, store });
  let plan: ImportPlan;
  try {
    const top = topIndex(contents);
    try {
      plan = planImport({
        contents, store, index: { bytes: top.bytes, desc: top.desc }, generated: top.generated, files: top.files,
        matcher: opts.allPlatforms ? undefined : platformMatcher(target), names: importNames(opts),
      });
    } catch (err) {
      if (err instanceof InvalidArgumentError && !err.message.startsWith('archive ')) throw new InvalidArgumentError(`archive ${source}: ${err.message}`);
      if (err instanceof SyntaxError) throw new InvalidArgumentError(`archive ${source}: ${err.message}`);
      throw err;
    }
    if (plan.images.length === 0 && plan.skipped > 0) {
      throw new NotFoundError(`archive ${source}: no image for platform ${formatPlatform(target)} (use --platform or --all-platforms)`);
    }
    // Everything checked: the blobs become visible.
    let n = 0;
    const ingestBase = `import-${randomBytes(8).toString('hex')}-doc`;
    for (const b of plan.blobs.values()) {
      const src = b.source;
      if (src.kind === 'store') continue;
      if (src.kind === 'bytes') {
        await ingestFromStream(store, `${ingestBase}-${n++}`, Readable.from([src.bytes]), { expectedDigest: b.digest, expectedSize: b.size });
      } else if (src.file.writer) {
        if (store.has(b.digest)) src.file.writer.abort();
        else src.file.writer.commit({ expectedDigest: b.digest, expectedSize: b.size });
      } else {
        await ingestFromStream(store, `${ingestBase}-${n++}`, Readable.from([src.file.data ?? Buffer.alloc(0)]), { expectedDigest: b.digest, expectedSize: b.size });
      }
    }
  } finally {
    contents.release();
  }

  const result: ImportedImage[] = [];
  const snapshotLabels = new Map<string, Record<string, string>>();
  for (const img of plan.images) {
    let unpacked = false;
    if (opts.unpack !== false) {
      opts.onProgress?.({ kind: 'unpacking', name: img.name, digest: img.target.digest });
      const u = await unpackImage({ root: opts.root, namespace: opts.namespace, target: img.target, platform: target, snapshotter: opts.snapshotter });
      if (u.snapshotLabel) snapshotLabels.set(u.config.digest, { [u.snapshotLabel.key]: u.snapshotLabel.value });
      unpacked = true;
      opts.onProgress?.({ kind: 'unpacked', name: img.name });
    }
    result.push({ name: img.name, target: img.target, unpacked });
  }

  const meta = openMetadata(opts.root);
  try {
    meta.tx(() => {
      meta.namespaces.ensure(opts.namespace);
      for (const b of plan.blobs.values()) {
        const cur = meta.content.find(opts.namespace, b.digest);
        meta.content.add(opts.namespace, { digest: b.digest, size: b.size, labels: { ...(cur?.labels ?? {}), ...b.labels, ...(snapshotLabels.get(b.digest) ?? {}) } });
      }
      for (const img of plan.images) {
        const t = { mediaType: img.target.mediaType, digest: img.target.digest, size: img.target.size };
        if (meta.images.find(opts.namespace, img.name)) meta.images.update(opts.namespace, img.name, { target: t, labels: opts.labels ?? {} });
        else meta.images.create(opts.namespace, { name: img.name, target: t, labels: opts.labels ?? {} });
      }
    });
  } finally {
    meta.close();
  }
  return result;
}
