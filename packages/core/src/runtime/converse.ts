/** The parent's side of the sync protocol with the init stage (runtime/sync.ts). */
import type { ChildLike } from '../sys/spawn';
import { BerthError } from '../errors';
import type { InitConfig, InitMessage, ParentMessage } from './sync';

export class InitError extends BerthError {
  constructor(message: string) { super('EINIT', message); }
}

/** Sends the config, answers the init's requests, and resolves when it reports ready. */
export function converse(child: ChildLike, syncIndex: number, config: InitConfig,
  onMessage: (msg: InitMessage) => ParentMessage | undefined): Promise<void> {
  const sock = child.stdio[syncIndex] as unknown as import('node:net').Socket;
  const send = (m: ParentMessage): void => { sock.write(`${JSON.stringify(m)}\n`); };
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      sock.off('data', onData);
      sock.destroy();
      child.off('exit', onExit);
      if (err) reject(err); else resolve();
    };
    const onExit = (code: number | null, signal: string | null): void => {
      finish(new InitError(`container init exited before it was ready (${signal ? `signal ${signal}` : `exit status ${code}`})`));
    };
    child.once('exit', onExit);
    child.once('error', (err) => finish(new InitError(`cannot start container init: ${err.message}`)));
    // JSON lines, split here: node:readline would be one more module to load on this path.
    let buffered = '';
    const onData = (chunk: string): void => {
      buffered += chunk;
      let nl: number;
      while (!done && (nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        onLine(line);
      }
    };
    const onLine = (line: string): void => {
      let msg: InitMessage;
      try { msg = JSON.parse(line) as InitMessage; } catch { finish(new InitError(`bad message from init: ${line}`)); return; }
      if (msg.type === 'error') { finish(new InitError(msg.message)); return; }
      if (msg.type === 'ready') { finish(); return; }
      try {
        const reply = onMessage(msg);
        if (reply) send(reply);
      } catch (err) {
        send({ type: 'error', message: (err as Error).message });
        finish(err as Error);
      }
    };
    sock.setEncoding('utf8');
    sock.on('data', onData);
    sock.on('error', () => { /* reported through exit */ });
    send({ type: 'config', config });
  });
}
