/**
 * Errors as crictl receives them from a CRI server: `rpc error: code = <code> desc = <message>`,
 * the code as containerd's errdefs maps its errors to gRPC. berth has no server, but scripts match
 * these texts (`code = NotFound`), so crictl prints what a CRI call fails with in this form.
 */
import { AlreadyExistsError, BerthError, CanceledError, InvalidArgumentError, NotFoundError } from '../errors';

export type CriCode = 'NotFound' | 'InvalidArgument' | 'AlreadyExists' | 'Unauthenticated' | 'FailedPrecondition' | 'Canceled' | 'DeadlineExceeded' | 'Unknown';

/** An error already in the CRI's form (with the code containerd would give it). */
export class CriError extends BerthError {
  readonly grpcCode: CriCode;
  constructor(grpcCode: CriCode, desc: string) {
    super(grpcCode === 'NotFound' ? 'ENOTFOUND' : 'ECRI', `rpc error: code = ${grpcCode} desc = ${desc}`);
    this.grpcCode = grpcCode;
  }
}

/** The gRPC code of an error from berth's core, as errdefs would map it. */
export function codeOf(err: unknown): CriCode {
  if (err instanceof CriError) return err.grpcCode;
  if (err instanceof NotFoundError) return 'NotFound';
  if (err instanceof AlreadyExistsError) return 'AlreadyExists';
  if (err instanceof InvalidArgumentError) return 'InvalidArgument';
  if (err instanceof CanceledError) return err.deadline ? 'DeadlineExceeded' : 'Canceled';
  const status = (err as { status?: number }).status;
  if (status === 401) return 'Unauthenticated';
  return 'Unknown';
}

/** What crictl prints after its own prefix for a failed CRI call. */
export function rpcMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return err instanceof CriError || message.startsWith('rpc error: ') ? message : `rpc error: code = ${codeOf(err)} desc = ${message}`;
}
