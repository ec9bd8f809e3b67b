#!/usr/bin/env node
// Build-time snapshot of what oclif's Config.load finds on disk for one CLI: its plugins (the
// CLI itself and @oclif/plugin-help) with their command manifests, computed by oclif itself.
// The bundle embeds it (define BERTH_OCLIF_SNAPSHOT), so start-up skips plugin discovery, the
// manifest work and the package.json reads. Usage: node scripts/oclif-snapshot.mjs packages/runc
// (prints JSON). Run in its own process: oclif keeps per-process caches.
import { createRequire } from 'node:module';
import * as path from 'node:path';

const pkgRoot = path.resolve(process.argv[2] ?? '.');
const require = createRequire(path.join(pkgRoot, 'package.json'));
const { Config, settings } = require('@oclif/core');
settings.enableAutoTranspile = false;

const config = await Config.load({ root: pkgRoot, userPlugins: false, devPlugins: false });
const plugins = [...config.plugins.values()].map((p) => ({
  name: p.name,
  alias: p.alias,
  version: p.version,
  type: p.type,
  isRoot: p.isRoot,
  valid: p.valid,
  moduleType: p.moduleType,
  hooks: p.hooks,
  commandIDs: p.commandIDs,
  hasManifest: p.hasManifest,
  // The CLI's own package.json is bundled anyway; other plugins keep what oclif reads of theirs.
  pjson: p.isRoot ? undefined : { name: p.pjson.name, version: p.pjson.version, type: p.pjson.type, oclif: p.pjson.oclif },
  commands: p.commands, // JSON drops each command's load()
}));
if (!plugins[0]?.isRoot) throw new Error(`oclif-snapshot: ${pkgRoot}: the first plugin is not the root plugin`);
process.stdout.write(JSON.stringify(plugins));
