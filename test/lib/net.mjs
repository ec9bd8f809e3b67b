// Loopback helpers for tests that start their own servers (registries, token servers).
import http from 'node:http';
import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** The HTTP status of a GET (0 when nothing answers): for waiting on a server to come up. */
export function httpStatus(url) {
  return new Promise((resolve) => {
    const r = http.get(url, (res) => { res.resume(); resolve(res.statusCode); });
    r.on('error', () => resolve(0));
  });
}
