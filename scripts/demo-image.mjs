// The demo's embedded image: docker.io/library/busybox:latest made from the host's busybox-static,
// written as an OCI image-layout archive (what `ctr images import` reads). No internet needed.
// Deterministic — fixed mtimes and owners, sorted members, gzip without a timestamp — so the
// image has the same digest on every run of one host's busybox.
//
//   node scripts/demo-image.mjs [out.tar] [--busybox /bin/busybox]   prints the manifest digest
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_IMAGE = 'docker.io/library/busybox:latest';
/** Every member's mtime and the image's `created`: 2024-01-01T00:00:00Z. */
const EPOCH = 1704067200;
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Node's os.arch() in Go's GOARCH names, as image configs spell them. */
const GOARCH = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips64el: 'mips64le' };

const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function octal(b, off, len, v) {
  b.write(v.toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
}

/**
 * One ustar header. core's TarWriter (used below for the outer archive) writes only files and
 * directories; the layer needs symbolic links too, hence this small writer of its own.
 */
function header({ name, type, mode, size = 0, link = '' }) {
  const b = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(link) > 100) throw new Error(`tar member name too long: ${name}`);
  b.write(name, 0, 100, 'utf8');
  octal(b, 100, 8, mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, size);
  octal(b, 136, 12, EPOCH);
  b.fill(0x20, 148, 156);
  b.write(type, 156, 1, 'latin1');
  b.write(link, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'latin1');
  b.write('root', 265, 32, 'latin1');
  b.write('root', 297, 32, 'latin1');
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return b;
}

const pad = (n) => Buffer.alloc((512 - (n % 512)) % 512);

/** The layer as an uncompressed tar: /bin/busybox, a symlink per applet, /etc, /root, /tmp. */
export function busyboxLayer(busybox = '/bin/busybox') {
  const bin = fs.readFileSync(busybox);
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n')
    .filter((a) => a !== '' && a !== 'busybox' && !a.includes('/'));
  const members = [
    { name: 'bin/', type: '5', mode: 0o755 },
    { name: 'bin/busybox', type: '0', mode: 0o755, data: bin },
    ...applets.map((a) => ({ name: `bin/${a}`, type: '2', mode: 0o777, link: 'busybox' })),
    { name: 'etc/', type: '5', mode: 0o755 },
    { name: 'etc/group', type: '0', mode: 0o644, data: Buffer.from('root:x:0:\ndaemon:x:1:\nwww-data:x:33:\nnogroup:x:65534:\n') },
    { name: 'etc/passwd', type: '0', mode: 0o644, data: Buffer.from('root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n') },
    { name: 'root/', type: '5', mode: 0o700 },
    { name: 'tmp/', type: '5', mode: 0o1777 },
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const parts = [];
  for (const m of members) {
    parts.push(header({ ...m, size: m.data?.length ?? 0 }));
    if (m.data) parts.push(m.data, pad(m.data.length));
  }
  parts.push(Buffer.alloc(1024));
  return { tar: Buffer.concat(parts), applets: applets.length };
}

/** The image's blobs: { layer, config, manifest } (Buffers) and the index.json. */
export function busyboxImage(busybox = '/bin/busybox') {
  const { tar, applets } = busyboxLayer(busybox);
  // Node's gzip header carries no mtime or file name: the same tar always compresses the same.
  const layer = gzipSync(tar, { level: 9 });
  const created = new Date(EPOCH * 1000).toISOString();
  const config = Buffer.from(JSON.stringify({
    created,
    architecture: GOARCH[os.arch()] ?? os.arch(),
    os: 'linux',
    config: { Env: [PATH_ENV], Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    history: [{ created, created_by: `berth demo: ${busybox} and ${applets} applet links`, comment: 'scripts/demo-image.mjs' }],
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
  }));
  // Both names, as containerd's exporter writes them: the full one, and OCI's tag-only one.
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length,
      annotations: { 'io.containerd.image.name': DEMO_IMAGE, 'org.opencontainers.image.ref.name': 'latest' },
    }],
  }));
  return { layer, config, manifest, index, digest: sha256(manifest) };
}

/** Writes the OCI image-layout archive to `out`; returns the manifest digest. */
export function writeBusyboxArchive(out, busybox = '/bin/busybox') {
  const img = busyboxImage(busybox);
  const { TarWriter } = createRequire(import.meta.url)(path.join(repo, 'packages/core/dist/images/archive/tar-writer.js'));
  const w = new TarWriter();
  const blobs = [img.config, img.layer, img.manifest].map((b) => [`blobs/sha256/${sha256(b).slice(7)}`, b])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const files = [['index.json', img.index], ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')]];
  const parts = [w.dir('blobs'), w.dir('blobs/sha256')];
  for (const [name, data] of [...blobs, ...files]) parts.push(w.file(name, data.length), data, w.padding(data.length));
  parts.push(w.end());
  fs.writeFileSync(out, Buffer.concat(parts));
  return img.digest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--busybox');
  const busybox = i >= 0 ? args.splice(i, 2)[1] : '/bin/busybox';
  console.log(writeBusyboxArchive(args[0] ?? 'busybox-oci.tar', busybox));
}
