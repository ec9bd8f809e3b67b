/** The parent's side of the sync protocol with the init stage (runtime/sync.ts). */
import type { ChildLike, SpawnedChild } from '../sys/spawn';
import { BerthError } from '../errors';
import { closeFd } from '../sys/file';
import { ParentAbort, SyncChannel, type InitConfig, type InitMessage, type ParentMessage } from './sync';

export class InitError extends BerthError {
  constructor(message: string) { super('EINIT', message); }
}

type OnMessage = (msg: InitMessage) => ParentMessage | undefined;
/** The init's last message: ready, or exec's stage about to spawn with its socket closed. */
type Ready = Extract<InitMessage, { type: 'ready' | 'spawning' }>;

/**
 * Sends the config, answers the init's requests, and resolves with its last message. With
 * `afterConfig` (create): that runs once the config is sent, while the init works, and then the
 * init is told 'cgroup-ready'; what it throws is the error. Settles only after `afterConfig` has.
 */
export function converse(child: ChildLike, syncIndex: number, config: InitConfig, onMessage: OnMessage, afterConfig?: () => Promise<void>): Promise<Ready> {
  // A prespawned init (duck-typed: the module may come from another bundle's copy), conversed with
  // through its raw fd, taken from it: a reap on SIGCHLD while afterConfig awaits must not close it.
  if (typeof (child as Partial<SpawnedChild>).waitExit === 'function') {
    return converseSync(child as SpawnedChild, (child as SpawnedChild).takeSocket(), config, onMessage, afterConfig);
  }
  const sock = child.stdio[syncIndex] as unknown as import('node:net').Socket;
  const send = (m: ParentMessage): void => { sock.write(`${JSON.stringify(m)}\n`); };
  const talk = new Promise<Ready>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error, ready?: Ready): void => {
      if (done) return;
      done = true;
      sock.off('data', onData);
      sock.destroy();
      child.off('exit', onExit);
      if (err || !ready) reject(err); else resolve(ready);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      const fail = (): void => finish(new InitError(`container init exited before it was ready (${signal ? `signal ${signal}` : `exit status ${code}`})`));
      // exec's stage exits right after its ready line, and its exit may be seen before the line
      // is read: what it wrote is read first (its end of the socket is closed by now).
      if (sock.readableEnded || sock.destroyed) fail();
      else { sock.once('end', fail); sock.once('close', fail); }
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
      if (msg.type === 'ready' || msg.type === 'spawning') { finish(undefined, msg); return; }
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
  if (!afterConfig) return talk;
  talk.catch(() => undefined); // settled after afterConfig, below: never unhandled meanwhile
  // After a turn of the event loop: an init that failed meanwhile has its last line read first (a
  // write on its closed socket would destroy ours before the read), and is not written to.
  return afterConfig().then(() => new Promise<void>((resolve) => { setImmediate(resolve); })).then(() => {
    if (!sock.destroyed && !sock.readableEnded) send({ type: 'cgroup-ready' });
    return talk;
  });
}

/**
 * The same exchange over a prespawned init's socket as a plain blocking fd (sys/spawn.ts): the
 * CLI has nothing else to do meanwhile, and the init's ready line is read ~1 ms sooner than
 * through a net.Socket's stream (whose module, ~1.5 ms to load, `run` then never needs). The
 * init's exit shows as EOF (or EPIPE on a write): its status is read then.
 */
async function converseSync(child: SpawnedChild, fd: number | undefined, config: InitConfig, onMessage: OnMessage, afterConfig?: () => Promise<void>): Promise<Ready> {
  const exited = (): InitError => {
    child.waitExit(1000);
    const how = child.signalCode ? `signal ${child.signalCode}` : child.exitCode !== null ? `exit status ${child.exitCode}` : 'its socket closed';
    return new InitError(`container init exited before it was ready (${how})`);
  };
  if (fd === undefined) throw exited();
  const ch = new SyncChannel<ParentMessage, InitMessage>(fd);
  const send = (m: ParentMessage): void => {
    try {
      ch.send(m);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE' || code === 'ECONNRESET') throw exited();
      throw err;
    }
  };
  try {
    send({ type: 'config', config });
    if (afterConfig) {
      await afterConfig();
      // An init gone meanwhile (EPIPE): its last words, an error most likely, are read below.
      try { ch.send({ type: 'cgroup-ready' }); } catch { /* read below */ }
    }
    for (;;) {
      let msg: InitMessage;
      try {
        msg = ch.receive();
      } catch (err) {
        if (err instanceof ParentAbort || (err as NodeJS.ErrnoException).code === 'ECONNRESET') throw exited();
        if (err instanceof SyntaxError) throw new InitError(`bad message from init: ${err.message}`);
        throw err;
      }
      if (msg.type === 'error') throw new InitError(msg.message);
      if (msg.type === 'ready' || msg.type === 'spawning') return msg;
      let reply: ParentMessage | undefined;
      try {
        reply = onMessage(msg);
      } catch (err) {
        try { ch.send({ type: 'error', message: (err as Error).message }); } catch { /* it is gone */ }
        throw err;
      }
      if (reply) send(reply);
    }
  } finally {
    closeFd(fd);
  }
}
