/** execve(2): replaces the whole process (every Node thread goes with it). */
import { call } from './libc';

export function execve(path: string, argv: string[], env: string[]): never {
  // NULL-terminated arrays: koffi maps a JS array to `const char **` and we add the terminator.
  call('int execve(const char *, const char **, const char **)', 'execve', path, path, [...argv, null], [...env, null]);
  throw new Error('unreachable: execve returned');
}
