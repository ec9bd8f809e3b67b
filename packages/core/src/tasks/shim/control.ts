/** The shim's control FIFO: one JSON message a line from clients (resize, close-stdin). */
import * as fs from 'node:fs';
import * as net from 'node:net';

export type ControlMessage = { type: 'resize'; rows: number; cols: number } | { type: 'close-stdin' };

/** Listens on the FIFO (held O_RDWR, so it never sees EOF between clients). */
export function listenControl(file: string, onMessage: (m: ControlMessage) => void): net.Socket {
  const sock = new net.Socket({ fd: fs.openSync(file, fs.constants.O_RDWR), readable: true, writable: false });
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try { onMessage(JSON.parse(line) as ControlMessage); } catch { /* a malformed line is dropped */ }
    }
  });
  sock.on('error', () => undefined);
  sock.unref();
  return sock;
}

/** Client side: sends one message; false when no shim listens. */
export function sendControl(file: string, m: ControlMessage): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch {
    return false; // ENXIO: no shim holds it; ENOENT: task gone
  }
  try {
    fs.writeSync(fd, `${JSON.stringify(m)}\n`);
    return true;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
