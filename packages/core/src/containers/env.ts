/** Environment lists as containerd merges them. */
import * as fs from 'node:fs';
import { InvalidArgumentError } from '../errors';

/**
 * `overrides` over `defaults`: KEY=VALUE replaces the default's KEY in place or is appended; a
 * bare KEY unsets the default (containerd's replaceOrAppendEnvValues).
 */
export function mergeEnv(defaults: readonly string[], overrides: readonly string[]): string[] {
  const index = new Map<string, number>();
  const out: (string | undefined)[] = [];
  defaults.forEach((e, i) => {
    out.push(e);
    index.set(e.split('=', 1)[0] as string, i);
  });
  for (const v of overrides) {
    const eq = v.indexOf('=');
    const i = index.get(eq < 0 ? v : v.slice(0, eq));
    if (eq < 0) {
      if (i !== undefined) out[i] = undefined;
    } else if (i !== undefined) {
      out[i] = v;
    } else {
      out.push(v);
    }
  }
  return out.filter((e): e is string => e !== undefined);
}

/** KEY=VALUE lines of an env file; blank lines and # comments skipped (ctr --env-file). */
export function readEnvFile(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`env file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  return text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '' && !l.startsWith('#'));
}
