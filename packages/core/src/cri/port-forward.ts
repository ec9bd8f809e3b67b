/**
 * CRI PortForward without a streaming server: `crictl port-forward` itself listens on the host's
 * localhost (127.0.0.1 and ::1, as client-go's forwarder) and, for each connection, dials
 * localhost:<port> inside the pod's network namespace, as containerd's portForward does.
 *
 * How the dial reaches the pod: a network namespace is a property of each socket, fixed when the
 * socket is made, and setns(CLONE_NEWNET) moves only the calling thread. Once the listeners exist
 * in the host's namespace, the process's main thread (where libuv makes every TCP socket) joins
 * the pod's: every later connect is made in the pod, while the listeners and the connections they
 * accept stay on the host.
 */
import * as net from 'node:net';
import { InvalidArgumentError } from '../errors';
import { openMetadata } from '../metadata';
import { CLONE_NEWNET, setnsPath } from '../sys/ns';
import { CriError } from './rpc-error';
import { resolveSandbox } from './sandbox';

export interface ForwardedPort { local: number; remote: number }

/** client-go's parsePorts: `LOCAL:REMOTE`, `:REMOTE` (any free local port) or `PORT` (both). */
export function parsePorts(specs: string[]): ForwardedPort[] {
  return specs.map((spec) => {
    const parts = spec.split(':');
    if (parts.length > 2) throw new InvalidArgumentError(`invalid port format '${spec}'`);
    const [localText, remoteText] = parts.length === 1 ? [spec, spec] : [parts[0] || '0', parts[1] as string];
    const parse = (text: string, which: string): number => {
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      if (Number.isNaN(n)) throw new InvalidArgumentError(`error parsing ${which} port '${text}': strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
      if (n > 65535) throw new InvalidArgumentError(`error parsing ${which} port '${text}': strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`);
      return n;
    };
    const local = parse(localText, 'local');
    const remote = parse(remoteText, 'remote');
    if (remote === 0) throw new InvalidArgumentError('remote port must be > 0');
    return { local, remote };
  });
}

export interface ForwardTarget {
  podId: string;
  /** The pod's network namespace; undefined for a pod on the host's network. */
  netnsPath: string | undefined;
}

/** The pod to forward to: it must be ready, with its network namespace open (containerd's checks). */
export function portForwardTarget(root: string, idOrPrefix: string): ForwardTarget {
  const store = openMetadata(root);
  try {
    const pod = resolveSandbox(store, idOrPrefix);
    if (pod.state !== 'SANDBOX_READY') throw new CriError('Unknown', 'sandbox container is not running');
    const hostNet = pod.config.linux.namespaceOptions.network === 'NODE';
    if (!hostNet && (pod.netnsClosed || !pod.netnsPath)) throw new CriError('Unknown', `network namespace for sandbox "${pod.id}" is closed`);
    return { podId: pod.id, netnsPath: hostNet ? undefined : pod.netnsPath };
  } finally {
    store.close();
  }
}

export interface ForwardEvents {
  /** A listener is up (address as client-go prints it: `127.0.0.1`, `[::1]`). */
  listening(address: string, port: ForwardedPort): void;
  /** A port none of whose listeners could be made (the others go on). */
  listenFailed(port: ForwardedPort, message: string): void;
  connection(port: ForwardedPort): void;
  /** A connection the pod's side refused or broke. */
  failed(port: ForwardedPort, message: string): void;
}

function listen(host: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function dial(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    s.once('error', reject);
    s.once('connect', () => { s.off('error', reject); resolve(s); });
  });
}

/** Go's text of a connect error (`dial tcp4 127.0.0.1:80: connect: connection refused`). */
function dialError(family: string, host: string, port: number, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENETUNREACH' ? 'network is unreachable' : code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : (err as Error).message;
  return `dial ${family} ${host.includes(':') ? `[${host}]` : host}:${port}: connect: ${why}`;
}

/**
 * Forwards until `stop` settles: listeners first, on the host; then the pod's namespace for the
 * dials. Rejects when no port could be listened on at all (client-go's error).
 */
export async function forwardPorts(target: ForwardTarget, ports: ForwardedPort[], events: ForwardEvents, stop: Promise<void>): Promise<void> {
  const servers: { server: net.Server; port: ForwardedPort; shown: string }[] = [];
  for (const port of ports) {
    const errors: string[] = [];
    for (const [host, shown] of [['127.0.0.1', '127.0.0.1'], ['::1', '[::1]']] as const) {
      try {
        const server = await listen(host, port.local);
        // A free port picked for the first address is the port for the second, as client-go does.
        if (port.local === 0) port.local = (server.address() as net.AddressInfo).port;
        servers.push({ server, port, shown });
      } catch (err) {
        const family = host.includes(':') ? 'tcp6' : 'tcp4';
        errors.push(`unable to create listener: Error listen ${family} ${shown}:${port.local}: bind: ${(err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'address already in use' : (err as Error).message}`);
      }
    }
    if (errors.length === 2) events.listenFailed(port, `All listeners failed to create with the following errors: ${errors.join(', ')}`);
  }
  if (servers.length === 0) throw new InvalidArgumentError(`unable to listen on any of the requested ports: [${ports.map((p) => `{${p.local} ${p.remote}}`).join(' ')}]`);
  if (target.netnsPath !== undefined) setnsPath(target.netnsPath, CLONE_NEWNET);
  // Only now, in the pod's namespace: a connection relayed before would have dialled the host.
  const open = new Set<net.Socket>();
  for (const { server, port, shown } of servers) {
    server.on('connection', (local) => {
      open.add(local);
      local.once('close', () => open.delete(local));
      relay(target, port, local, events);
    });
    events.listening(shown, port);
  }
  await stop;
  // As client-go's forwarder: open connections end with it (close() alone would wait for them).
  for (const s of open) s.destroy();
  await Promise.all(servers.map(({ server }) => new Promise((r) => server.close(r))));
}

function relay(target: ForwardTarget, port: ForwardedPort, local: net.Socket, events: ForwardEvents): void {
  events.connection(port);
  local.pause();
  local.on('error', () => local.destroy());
  const where = target.netnsPath ?? 'host';
  (async () => {
    let remote: net.Socket;
    try {
      remote = await dial('127.0.0.1', port.remote);
    } catch (v4) {
      try {
        remote = await dial('::1', port.remote);
      } catch (v6) {
        events.failed(port, `error forwarding port ${port.remote} to pod ${target.podId}, uid : failed to execute portforward in network namespace "${where}": `
          + `failed to connect to localhost:${port.remote} inside namespace "${target.podId}", IPv4: ${dialError('tcp4', '127.0.0.1', port.remote, v4)} IPv6 ${dialError('tcp6', '::1', port.remote, v6)} `);
        local.destroy();
        return;
      }
    }
    remote.on('error', () => { remote.destroy(); local.destroy(); });
    local.on('close', () => remote.destroy());
    remote.on('close', () => local.destroy());
    local.pipe(remote);
    remote.pipe(local);
    local.resume();
  })().catch(() => local.destroy());
}
