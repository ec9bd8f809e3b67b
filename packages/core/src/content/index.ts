/** The content-addressed blob store (containerd's content store, local flavour). */
export { ContentStore } from './store';
export { ContentWriter } from './writer';
export { ingestFromStream, type IngestSource } from './ingest';
export { ContentDigestMismatchError, ContentSizeMismatchError, IngestLockedError } from './errors';
export { validateContentDigest, validateRef } from './digest';
export { contentPaths, ingestKey, type ContentPaths } from '../layout';
export type { CommitOptions, CommitResult, ContentInfo, IngestStatus, Labels, WriterOptions } from './types';
