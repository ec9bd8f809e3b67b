// Helpers of the issue-3 gap tests: tar streams written byte by byte (hostile members a tar
// binary would refuse to make), layers in each compression, and OCI layouts whose index may
// omit `platform` — pushed by skopeo like registry-lib's images.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { GOARCH, sha256, startRegistry } from './registry-lib.mjs';

const TYPES = { file: '0', link: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

/** One ustar member: { name, type, data, linkname, mode, uid, gid, mtime, devmajor, devminor }. */
export function tarMember(m) {
  const data = Buffer.from(m.data ?? '');
  const h = Buffer.alloc(512);
  const put = (s, off, len) => h.write(String(s), off, len, 'utf8');
  const oct = (n, off, len) => put(n.toString(8).padStart(len - 1, '0'), off, len - 1);
  assert.ok(Buffer.byteLength(m.name) <= 100, `tar name too long: ${m.name}`);
  put(m.name, 0, 100);
  oct(m.mode ?? (m.type === 'dir' ? 0o755 : 0o644), 100, 8);
  oct(m.uid ?? 0, 108, 8);
  oct(m.gid ?? 0, 116, 8);
  oct(m.type === 'file' || m.type === undefined ? data.length : 0, 124, 12);
  oct(m.mtime ?? 1_600_000_000, 136, 12);
  put(TYPES[m.type ?? 'file'], 156, 1);
  put(m.linkname ?? '', 157, 100);
  put('ustar\u000000', 257, 8);
  oct(m.devmajor ?? 0, 329, 8);
  oct(m.devminor ?? 0, 337, 8);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8);
  const body = m.type === 'file' || m.type === undefined ? Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]) : Buffer.alloc(0);
  return Buffer.concat([h, body]);
}

/** A whole tar stream of members. */
export function tarStream(members) {
  return Buffer.concat([...members.map(tarMember), Buffer.alloc(1024)]);
}

const LAYER_TYPES = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

/** The tar compressed as asked (zstd by Debian's zstd binary). */
export function compress(tar, compression) {
  if (compression === 'gzip') return gzipSync(tar);
  if (compression === 'none') return tar;
  const r = spawnSync('zstd', ['-q', '-c', '-3'], { input: tar, maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

function putBlob(dir, b) {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'blobs', 'sha256', sha256(b).slice(7)), b);
}

function addToIndex(dir, desc, tag) {
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const file = join(dir, 'index.json');
  const idx = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { schemaVersion: 2, manifests: [] };
  idx.manifests.push({ ...desc, annotations: { 'org.opencontainers.image.ref.name': tag } });
  writeFileSync(file, JSON.stringify(idx));
}

/**
 * An image manifest in layout `dir` from `layers` ([{ tar, compression }]); `tag` (optional)
 * names it in index.json. Returns { manifest, config, blobs (compressed layers), diffIDs, desc }.
 */
export function addImage(dir, layers, { tag, arch = GOARCH, config: extra = {} } = {}) {
  const blobs = layers.map((l) => compress(l.tar, l.compression ?? 'gzip'));
  const diffIDs = layers.map((l) => sha256(l.tar));
  const config = Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', ...extra, rootfs: { type: 'layers', diff_ids: diffIDs } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: blobs.map((b, i) => ({ mediaType: LAYER_TYPES[layers[i].compression ?? 'gzip'], digest: sha256(b), size: b.length })),
  }));
  for (const b of [...blobs, config, manifest]) putBlob(dir, b);
  const desc = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length };
  if (tag) addToIndex(dir, desc, tag);
  return { manifest, config, blobs, diffIDs, desc };
}

/** An OCI index over images ({ desc, arch }), with or without `platform` fields, tagged `tag`. */
export function addIndex(dir, images, tag, { withPlatform = true } = {}) {
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: images.map((i) => ({ ...i.desc, ...(withPlatform ? { platform: { os: 'linux', architecture: i.arch } } : {}) })),
  }));
  putBlob(dir, index);
  const desc = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(index), size: index.length };
  addToIndex(dir, desc, tag);
  return { index, desc };
}

/**
 * Pushes blobs and a manifest byte for byte with plain HTTP requests (monolithic uploads): skopeo
 * compresses uncompressed layers on the way to a registry, which would hide them from the test.
 */
export async function pushRaw(host, repo, tag, { blobs, manifest, mediaType = 'application/vnd.oci.image.manifest.v1+json' }) {
  for (const b of blobs) {
    const post = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    assert.equal(post.status, 202, `POST upload: ${post.status}`);
    const loc = new URL(post.headers.get('location'), `http://${host}`);
    loc.searchParams.set('digest', sha256(b));
    const put = await fetch(loc, { method: 'PUT', body: b, headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(put.status, 201, `PUT blob ${sha256(b)}: ${put.status} ${await put.text()}`);
  }
  const put = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: manifest, headers: { 'Content-Type': mediaType } });
  assert.equal(put.status, 201, `PUT manifest: ${put.status} ${await put.text()}`);
}

/**
 * docker-registry serving https on a free loopback port, with a self-signed certificate for
 * IP 127.0.0.1 made by openssl: { host, caFile, log(), stop() }.
 */
export const startTlsRegistry = (work) => startRegistry(work, { tls: true });
