/**
 * Which task this shim runs: from its arguments (`<state> <namespace> <id>`), or, prespawned
 * (`--prespawned`, see tasks/prespawn.ts) or parked (`--parked`, tasks/parked.ts), from one JSON
 * line its starter writes on fd 3. A shim whose starter goes away without handing a task over
 * reads EOF: undefined.
 */
import * as fs from 'node:fs';
import { sleepMs } from '../../util/sleep';
import { PARKED_ARG, PRESPAWNED_ARG, type ShimHandoff } from '../types';

export function shimTask(argv: string[], readyFd: number): ShimHandoff | undefined {
  if (argv[0] !== PRESPAWNED_ARG && argv[0] !== PARKED_ARG) return { state: argv[0], namespace: argv[1], id: argv[2] };
  return readHandoffLine<ShimHandoff>(readyFd);
}

/**
 * One JSON line from a starter on `fd` (a prespawned process's end of its socketpair, which is
 * blocking: libuv makes only the parent's end non-blocking; EAGAIN is handled anyway, with a
 * short sleep); undefined at EOF or for a line that is not JSON.
 */
export function readHandoffLine<T>(fd: number): T | undefined {
  const buf = Buffer.alloc(65536);
  let text = '';
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') { sleepMs(2); continue; }
      return undefined;
    }
    if (n === 0) return undefined;
    text += buf.toString('utf8', 0, n);
    const nl = text.indexOf('\n');
    if (nl >= 0) {
      try { return JSON.parse(text.slice(0, nl)) as T; } catch { return undefined; }
    }
  }
}
