/** Errors of the content store beyond the shared ones in ../errors. */
import { BerthError } from '../errors';

/** The bytes written under a ref do not hash to the expected digest (the ingest is discarded). */
export class ContentDigestMismatchError extends BerthError {
  constructor(readonly ref: string, readonly expected: string, readonly actual: string) {
    super('EDIGEST', `ingest ${JSON.stringify(ref)}: content has digest ${actual}, expected ${expected}`);
  }
}

/** The number of bytes written under a ref is not the expected size (the ingest is discarded). */
export class ContentSizeMismatchError extends BerthError {
  constructor(readonly ref: string, readonly expected: number, readonly actual: number) {
    super('ESIZE', `ingest ${JSON.stringify(ref)}: content is ${actual} bytes, expected ${expected}`);
  }
}

/** Another live writer holds the ref (containerd's ErrUnavailable); retry later. */
export class IngestLockedError extends BerthError {
  constructor(readonly ref: string, readonly holderPid?: number) {
    super('EUNAVAILABLE', `ingest ref ${JSON.stringify(ref)} locked${holderPid !== undefined ? ` by process ${holderPid}` : ''}: another writer is active`);
  }
}
