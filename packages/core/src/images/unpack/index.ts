/** Layer unpacking: apply a (gzip/zstd/plain) layer tar onto a snapshot directory, safely. */
export { applyLayer, type ApplyOptions, type ApplyResult } from './apply';
export type { WhiteoutMode } from './layer-writer';
export type { Compression } from './decompress';
export { UnsafeEntryError } from './secure-path';
export type { TarEntry, EntryType } from './tar-header';
