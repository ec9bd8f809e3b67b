// Shared by the ctr image tests: a real registry (Debian's docker-registry on 127.0.0.1), a
// two-layer OCI image layout made here, and skopeo to push it (a client berth did not write).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { arch } from 'node:os';
import { join } from 'node:path';
import { freePort, httpStatus } from '../lib/net.mjs';

const have = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
export const skipWithoutRegistry = have('docker-registry') && have('skopeo') ? false : 'needs docker-registry and skopeo';
export const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
export const GOARCH = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }[arch()] ?? arch();

/** A tar of `files` ({path: Buffer, or a host path to copy}) with root ownership. */
export function tarOf(dir, files) {
  for (const [p, data] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    if (typeof data === 'string') copyFileSync(data, join(dir, p)); else writeFileSync(join(dir, p), data);
  }
  const r = spawnSync('tar', ['-C', dir, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-cf', '-', ...Object.keys(files).map((p) => p.split('/')[0])], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

/**
 * A two-layer OCI image layout in `dir`, tagged "1": layer n holds `layerFiles[n]`.
 * Returns its blobs, the diffIDs and the total size.
 */
export function makeLayout(work, dir, layerFiles, imageConfig = {}) {
  const tars = layerFiles.map((files, i) => tarOf(join(work, `l${i + 1}`), files));
  const layers = tars.map((t) => gzipSync(t));
  const diffIDs = tars.map(sha256);
  const config = Buffer.from(JSON.stringify({ architecture: GOARCH, os: 'linux', ...imageConfig, rootfs: { type: 'layers', diff_ids: diffIDs } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(l), size: l.length })),
  }));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const b of [...layers, config, manifest]) writeFileSync(join(dir, 'blobs', 'sha256', sha256(b).slice(7)), b);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': '1' } }],
  }));
  return { layers, config, manifest, diffIDs, size: layers.reduce((n, l) => n + l.length, config.length + manifest.length) };
}

/** Starts docker-registry on a free loopback port with its storage under `work`. */
export async function startRegistry(work) {
  const host = `127.0.0.1:${await freePort()}`;
  const cfg = join(work, 'config.yml');
  writeFileSync(cfg, ['version: 0.1', 'log:', '  level: info', 'storage:', '  filesystem:',
    `    rootdirectory: ${join(work, 'data')}`, 'http:', `  addr: ${host}`].join('\n') + '\n');
  const proc = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    assert.equal(proc.exitCode, null, `docker-registry exited: ${log}`);
    up = (await httpStatus(`http://${host}/v2/`)) !== 0;
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(up, `docker-registry did not start: ${log}`);
  return {
    host,
    log: () => log,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

/** skopeo copy of tag `tag` of the layout `ociDir` to docker://`dest` (`all`: every platform). */
export function skopeoPush(ociDir, tag, dest, all = false) {
  const r = spawnSync('skopeo', ['copy', '--quiet', ...(all ? ['--all'] : []), '--dest-tls-verify=false', `oci:${ociDir}:${tag}`, `docker://${dest}`], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `skopeo: ${r.stderr}`);
}
