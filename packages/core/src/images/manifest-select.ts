/**
 * Which manifest of an index serves a platform — ONE rule for pull (reading from a registry),
 * unpack and import (reading from the content store), as containerd's images.Manifest: children
 * whose `platform` matches, best first (nested indexes are searched in turn), then children that
 * carry no `platform` at all (OCI layouts and some builders omit it), kept only when their
 * config's os/architecture/variant match. containerd stops at its first candidate; berth tries the
 * next one when a platform-less child's config does not match, so an index listing several
 * platform-less manifests still yields the right one.
 *
 * The rule is a generator that yields each descriptor whose JSON it needs, so one body serves a
 * synchronous reader (the content store) and an asynchronous one (a registry).
 */
import { NotFoundError } from '../errors';
import { isIndex, isManifest } from './media-types';
import { formatPlatform, platformMatcher, type Platform } from './platform';
import type { Descriptor } from './registry';

type Json = Record<string, unknown>;
type Rule = Generator<Descriptor, Descriptor, Json>;

function children(index: Descriptor, json: Json): Descriptor[] {
  const v = json['manifests'];
  if (!Array.isArray(v)) throw new NotFoundError(`index ${index.digest}: "manifests" is not a list`);
  return v.filter((d): d is Descriptor => !!d && typeof d === 'object' && typeof (d as Descriptor).digest === 'string'
    && typeof (d as Descriptor).mediaType === 'string' && typeof (d as Descriptor).size === 'number');
}

function configPlatform(config: Json): Platform | undefined {
  const os = config['os'];
  const architecture = config['architecture'];
  if (typeof os !== 'string' || typeof architecture !== 'string') return undefined;
  const variant = config['variant'];
  return typeof variant === 'string' && variant !== '' ? { os, architecture, variant } : { os, architecture };
}

/** The best manifest under `index` for `platform`, or undefined. */
function* search(index: Descriptor, platform: Platform): Generator<Descriptor, Descriptor | undefined, Json> {
  const matcher = platformMatcher(platform);
  const all = children(index, yield index);
  const candidates = [...matcher.sort(all.filter((c) => c.platform)), ...all.filter((c) => !c.platform)];
  for (const c of candidates) {
    if (isIndex(c.mediaType)) {
      const found = yield* search(c, platform);
      if (found) return found;
      continue;
    }
    if (!isManifest(c.mediaType)) continue;
    if (c.platform) return c;
    const config = (yield c)['config'] as Descriptor | undefined;
    if (!config || typeof config.digest !== 'string') continue;
    const p = configPlatform(yield { mediaType: config.mediaType, digest: config.digest, size: config.size });
    if (p && matcher.match(p)) return c;
  }
  return undefined;
}

function* rule(index: Descriptor, platform: Platform): Rule {
  const found = yield* search(index, platform);
  if (!found) throw new NotFoundError(`index ${index.digest}: no manifest for platform ${formatPlatform(platform)}`);
  return found;
}

/** The manifest an image target names for `platform`: itself when it is a manifest. `read` returns a blob's JSON. */
export function selectManifest(target: Descriptor, platform: Platform, read: (d: Descriptor) => Json): Descriptor {
  if (!isIndex(target.mediaType)) return target;
  const g = rule(target, platform);
  let step = g.next();
  while (!step.done) step = g.next(read(step.value));
  return step.value;
}

/** selectManifest with an asynchronous reader (a registry). */
export async function selectManifestAsync(target: Descriptor, platform: Platform, read: (d: Descriptor) => Promise<Json>): Promise<Descriptor> {
  if (!isIndex(target.mediaType)) return target;
  const g = rule(target, platform);
  let step = g.next();
  while (!step.done) step = g.next(await read(step.value));
  return step.value;
}
