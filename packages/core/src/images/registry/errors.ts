/** Errors a registry conversation can end with; messages name the registry and the object. */
import { BerthError } from '../../errors';

/** The registry answered something unexpected (bad status, garbage, wrong digest) or could not be reached. */
export class RegistryError extends BerthError {
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super('EREGISTRY', message, options);
    this.status = status;
  }
}

/** Credentials were refused or missing where the registry requires them. */
export class RegistryAuthError extends BerthError {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super('EAUTH', message);
    this.status = status;
  }
}

/** Content the registry returned does not hash to the digest it was asked for or announced. */
export class DigestMismatchError extends BerthError {
  readonly actual: string;
  readonly expected: string;
  constructor(what: string, actual: string, expected: string) {
    super('EDIGEST', `${what}: registry returned content with digest ${actual}, expected ${expected}`);
    this.actual = actual;
    this.expected = expected;
  }
}

interface RegistryErrorBody { errors?: Array<{ code?: string; message?: string; detail?: unknown }> }

/** The `errors[]` codes and messages of a registry error body, when it has one ("MANIFEST_UNKNOWN: manifest unknown"). */
export function describeErrorBody(body: Buffer): { codes: string[]; text: string } {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as RegistryErrorBody;
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const codes = parsed.errors.map((e) => String(e.code ?? ''));
      const text = parsed.errors.map((e) => `${e.code ?? 'UNKNOWN'}: ${e.message ?? ''}`.trim()).join('; ');
      return { codes, text };
    }
  } catch { /* not JSON: fall through */ }
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
  return { codes: [], text };
}
