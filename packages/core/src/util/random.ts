/**
 * Random identifiers (CRI ids, snapshot keys, lease ids) from the kernel's /dev/urandom. Not
 * node:crypto's randomBytes: loading node:crypto costs 2-3 ms of the process that first asks,
 * and `ctr run` and crictl's runp/create ask once each.
 */
import * as fs from 'node:fs';

export function randomBytesSync(n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = fs.openSync('/dev/urandom', 'r');
  try {
    for (let got = 0; got < n;) got += fs.readSync(fd, buf, got, n - got, null);
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

/** `n` random bytes as 2n hex digits. */
export function randomHex(n: number): string {
  return randomBytesSync(n).toString('hex');
}
