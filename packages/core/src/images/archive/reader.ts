/**
 * Reads an image archive (plain, gzip or zstd tar) in one streaming pass. Small members (JSON
 * documents, docker's per-layer files) are kept in memory; larger ones are written straight into
 * ingests of the content store as they arrive, hashed on the way, and committed only after the
 * whole archive was read and checked — so a hostile or broken archive leaves nothing but ingests,
 * which `release()` removes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError, BerthError } from '../../errors';
import type { ContentStore, ContentWriter } from '../../content';
import { decompress, type Decompressed } from '../unpack/decompress';
import { TarParser, type TarHandler } from '../unpack/tar-parser';
import type { TarEntry } from '../unpack/tar-header';
import { blobDigestOf, cleanEntryName, symlinkTarget } from './entry-name';

/** Members up to this size stay in memory (configs, manifests, indexes, docker's json files). */
const MEMORY_MEMBER_MAX = 1 << 20;
/** ...as long as all of them together stay under this. */
const MEMORY_TOTAL_MAX = 64 << 20;
/** Open ingests at once (each holds a file descriptor until the import commits or aborts). */
const MAX_SPOOLED = 1000;
const SYMLINK_HOPS = 16;

/** One regular member of the archive, read completely. */
export interface ArchiveFile {
  name: string;
  size: number;
  /** sha256 of its bytes. */
  digest: string;
  /** Its first bytes (compression magic). */
  head: Buffer;
  /** The bytes, when small. */
  data?: Buffer;
  /** The ingest holding the bytes, when large (open until committed or aborted). */
  writer?: ContentWriter;
}

export class ArchiveContents {
  readonly files = new Map<string, ArchiveFile>();
  /** Symlink member → the member name it points at. */
  readonly symlinks = new Map<string, string>();

  constructor(readonly source: string) {}

  /** The regular member `name` names, following symlinks inside the archive. */
  resolve(name: string, from = name): ArchiveFile {
    let cur = cleanEntryName(name);
    for (let hops = 0; hops <= SYMLINK_HOPS; hops++) {
      const f = this.files.get(cur);
      if (f) return f;
      const next = this.symlinks.get(cur);
      if (next === undefined) throw this.error(from, cur === from ? 'not in the archive' : `symlink to ${JSON.stringify(cur)}, which is not in the archive`);
      cur = next;
    }
    throw this.error(from, 'too many levels of symbolic links');
  }

  /** The OCI layout member `blobs/sha256/<hex>` of a digest, if the archive has it. */
  blob(digest: string): ArchiveFile | undefined {
    const [alg, hex] = digest.split(':');
    const name = `blobs/${alg ?? ''}/${hex ?? ''}`;
    return this.files.get(name) ?? (this.symlinks.has(name) ? this.resolve(name) : undefined);
  }

  /** The bytes of a small member (documents are always small). */
  text(f: ArchiveFile): Buffer {
    if (!f.data) throw this.error(f.name, `${f.size} bytes is too large for a JSON document`);
    return f.data;
  }

  json(f: ArchiveFile): Record<string, unknown> {
    let v: unknown;
    try {
      v = JSON.parse(this.text(f).toString('utf8'));
    } catch (err) {
      if (err instanceof BerthError) throw err;
      throw this.error(f.name, `not valid JSON (${(err as Error).message})`);
    }
    if (!v || typeof v !== 'object') throw this.error(f.name, 'not a JSON object or list');
    return v as Record<string, unknown>;
  }

  error(entry: string, cause: string): InvalidArgumentError {
    return new InvalidArgumentError(`archive ${this.source}: entry ${JSON.stringify(entry)}: ${cause}`);
  }

  /** Aborts every ingest that was not committed (always call it, success or not). */
  release(): void {
    for (const f of this.files.values()) {
      if (f.writer && !f.writer.closed) {
        try { f.writer.abort(); } catch { /* already gone */ }
      }
    }
  }
}

export interface ReadArchiveOptions {
  /** Shown in messages: the file name, or "stdin". */
  source: string;
  store: ContentStore;
}

/** Reads the whole archive; on any error every ingest it opened is aborted before it throws. */
export async function readArchive(input: AsyncIterable<Uint8Array>, opts: ReadArchiveOptions): Promise<ArchiveContents> {
  const contents = new ArchiveContents(opts.source);
  const ingestPrefix = `import-${randomBytes(8).toString('hex')}`;
  let spooled = 0;
  let memory = 0;
  let current: { name: string; file?: ArchiveFile; chunks: Buffer[]; hash?: ReturnType<typeof createHash>; want?: string } | undefined;
  const seen = new Set<string>();

  const handler: TarHandler = {
    entry(e: TarEntry): void {
      current = { name: e.name, chunks: [] };
      let name: string;
      try {
        name = cleanEntryName(e.name);
      } catch (err) {
        throw contents.error(e.name, (err as Error).message);
      }
      current.name = name;
      if (name === '' && e.type === 'dir') return;
      if (seen.has(name)) throw contents.error(e.name, 'duplicate member name');
      seen.add(name);
      switch (e.type) {
        case 'dir': return;
        case 'symlink':
          try {
            contents.symlinks.set(name, symlinkTarget(name, e.linkname));
          } catch (err) {
            throw contents.error(e.name, (err as Error).message);
          }
          return;
        case 'hardlink': throw contents.error(e.name, `hard link to ${JSON.stringify(e.linkname)} refused (an image archive holds no hard links)`);
        case 'file': break;
        default: throw contents.error(e.name, `unsupported member type ${e.type} (an image archive holds files, directories and symlinks)`);
      }
      let want: string | undefined;
      if (name.startsWith('blobs/')) {
        try {
          want = blobDigestOf(name);
        } catch (err) {
          throw contents.error(e.name, (err as Error).message);
        }
      }
      const file: ArchiveFile = { name, size: e.size, digest: '', head: Buffer.alloc(0) };
      current.file = file;
      current.want = want;
      if (e.size <= MEMORY_MEMBER_MAX && memory + e.size <= MEMORY_TOTAL_MAX) {
        memory += e.size;
        current.hash = createHash('sha256');
      } else {
        if (++spooled > MAX_SPOOLED) throw contents.error(e.name, `more than ${MAX_SPOOLED} large members in one archive`);
        file.writer = opts.store.writer(`${ingestPrefix}-${spooled}`, { expectedSize: e.size });
      }
      contents.files.set(name, file);
    },
    data(chunk: Buffer): void {
      const c = current;
      if (!c?.file) return;
      if (c.file.head.length < 4) c.file.head = Buffer.concat([c.file.head, chunk.subarray(0, 4 - c.file.head.length)]);
      if (c.file.writer) {
        c.file.writer.write(chunk);
      } else {
        c.chunks.push(Buffer.from(chunk));
        c.hash?.update(chunk);
      }
    },
    entryEnd(): void {
      const c = current;
      if (!c?.file) return;
      const f = c.file;
      if (f.writer) {
        f.digest = f.writer.digest();
      } else {
        f.data = Buffer.concat(c.chunks);
        f.digest = `sha256:${c.hash?.digest('hex') ?? ''}`;
      }
      if (c.want !== undefined && c.want !== f.digest) {
        throw contents.error(f.name, `content has digest ${f.digest}, not the ${c.want} its name says (corrupt or tampered blob)`);
      }
      current = undefined;
    },
  };

  let dec: Decompressed | undefined;
  try {
    dec = await decompress(input);
    const parser = new TarParser(handler);
    try {
      for await (const chunk of dec.output) parser.write(chunk);
      await dec.done;
      parser.end();
    } catch (err) {
      if (err instanceof InvalidArgumentError && err.message.startsWith(`archive ${opts.source}:`)) throw err;
      let cause = (err as Error).message.replace(/^layer: /, '').replace(/^layer entry "[^"]*": /, '');
      // zlib's own errors (Z_DATA_ERROR, Z_BUF_ERROR…) come straight from the gunzip stream.
      if (/^Z_/.test(String((err as NodeJS.ErrnoException).code ?? ''))) cause = `${dec?.compression ?? 'gzip'} stream: ${cause}`;
      if (current) throw contents.error(current.name, cause);
      throw new InvalidArgumentError(`archive ${opts.source}: ${cause}`);
    }
    return contents;
  } catch (err) {
    dec?.abort();
    contents.release();
    throw err;
  }
}
