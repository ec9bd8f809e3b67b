/**
 * `-t`: the shim holds the pty master and relays it to the task's FIFOs (stdin FIFO -> master,
 * master -> stdout FIFO), so a client can attach, detach and come back.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { TaskPaths } from '../../layout';
import { relayTerminal } from '../../runtime/console';

export interface TerminalRelay {
  done: Promise<void>;
  stop: AbortController;
}

export function relayToFifos(master: number, p: TaskPaths): TerminalRelay {
  // O_RDWR: opening never blocks, and the FIFO does not see EOF between clients.
  const input = new net.Socket({ fd: fs.openSync(p.stdin, fs.constants.O_RDWR), readable: true, writable: false });
  const output = new net.Socket({ fd: fs.openSync(p.stdout, fs.constants.O_RDWR), readable: false, writable: true });
  output.on('error', () => undefined);
  input.on('error', () => undefined);
  const stop = new AbortController();
  const done = relayTerminal(master, { stdin: input, stdout: output, sizeFrom: [], resize: false, signal: stop.signal })
    .finally(() => {
      input.destroy();
      // The clients' EOF: the last writer of the stdout FIFO goes once what is queued is written.
      output.end();
    });
  return { done, stop };
}
