/**
 * applyLayer: one streamed pass over a layer blob — decompress, hash the uncompressed bytes
 * (the diffID) and extract — each chunk flowing through all three as it arrives.
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../errors';
import { decompress, type Compression } from './decompress';
import { LayerWriter, type WhiteoutMode } from './layer-writer';
import { TarParser } from './tar-parser';

export interface ApplyOptions {
  /** 'overlay' when `target` is an overlayfs upperdir, 'native' when it is a full rootfs copy. */
  whiteouts: WhiteoutMode;
}

export interface ApplyResult {
  /** sha256 of the uncompressed tar: the layer's diffID in the image config. */
  diffID: string;
  /** sha256 of the bytes as read (the blob digest when the input is the blob). */
  digest: string;
  compression: Compression;
  /** Uncompressed size in bytes. */
  size: number;
  entries: number;
}

export async function applyLayer(input: AsyncIterable<Uint8Array>, target: string, opts: ApplyOptions): Promise<ApplyResult> {
  const blobHash = createHash('sha256');
  const d = await decompress(input, (b) => blobHash.update(b));
  const diffHash = createHash('sha256');
  const writer = new LayerWriter(target, opts.whiteouts);
  const parser = new TarParser(writer);
  let size = 0;
  try {
    for await (const chunk of d.output) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      diffHash.update(b);
      size += b.length;
      parser.write(b);
    }
    await d.done;
    parser.end();
    writer.finish();
  } catch (err) {
    writer.abort();
    d.abort();
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) throw new InvalidArgumentError(`layer: gzip stream: ${(err as Error).message}`);
    throw err;
  }
  return {
    diffID: `sha256:${diffHash.digest('hex')}`,
    digest: `sha256:${blobHash.digest('hex')}`,
    compression: d.compression,
    size,
    entries: writer.entries,
  };
}
