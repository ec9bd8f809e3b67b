// One entry of packages/core/dist as one file (dist/<name>.bundle.js) with a V8 code cache: the
// init stage and the shim each start a Node of their own, where one compiled file costs less
// memory and start-up than ~100-200 small modules. koffi (native) stays outside.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUNDLE_WRAP, koffiDirect, lazyRequires, LAZY_RUNTIME } from './bundle.mjs';

/**
 * Bundles dist/<entry> into dist/<name>.bundle.js, then runs `cacheArgs` (node arguments) with
 * `cacheEnv` set so the entry writes its code cache; `label` names it in the messages.
 * `koffi`: the bundle requires koffi's native module directly (no koffi index.js). `forbid`: dist
 * directories the bundle must not hold (a stray import that drags them in fails the build).
 */
export async function bundleCoreEntry(root, { name, entry, label, koffi = false, cacheArgs, cacheEnv, forbid = [] }) {
  const dist = path.join(root, 'packages', 'core', 'dist');
  const out = path.join(dist, `${name}.bundle.js`);
  const oldCache = new RegExp(`^${name}\\.bundle\\..*\\.cache$`);
  for (const f of fs.readdirSync(dist)) if (oldCache.test(f)) fs.rmSync(path.join(dist, f));
  const result = await build({
    entryPoints: [path.join(dist, ...entry)],
    metafile: true,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    // better-sqlite3 only for a CRI task's exit record: loaded from node_modules then, not kept in
    // every shim's bundle source.
    external: ['koffi', 'better-sqlite3'],
    // Module-level requires load on first use, as in the CLI bundles: the process runs only the
    // code of its own path (for the init, the bundle is in memory: nothing is read after pivot_root).
    // Inside the module wrapper, which is in the file (BUNDLE_WRAP): the entry compiles the text as read.
    banner: { js: `${BUNDLE_WRAP[0]}\n${LAZY_RUNTIME}` },
    footer: { js: BUNDLE_WRAP[1] },
    plugins: [...(koffi ? [koffiDirect(root)] : []), {
      name: 'berth-lazy-requires',
      setup(b) {
        b.onLoad({ filter: /\.js$/ }, async (args) => {
          if (!args.path.startsWith(dist + path.sep)) return undefined;
          const text = await fs.promises.readFile(args.path, 'utf8');
          return { contents: lazyRequires(text), loader: 'js' };
        });
      },
    }],
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'none',
    charset: 'ascii',
    logLevel: 'warning',
  });
  const held = Object.keys(result.metafile.inputs).filter((f) => forbid.some((d) => f.includes(`/dist/${d}/`) || f.includes(`node_modules/${d}/`)));
  if (held.length > 0) throw new Error(`${label} bundle holds what it must not: ${held.slice(0, 5).join(', ')}`);
  const r = spawnSync(process.execPath, cacheArgs(dist), { env: { ...process.env, ...cacheEnv }, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`bundle: ${label} code cache not written: ${r.stderr}\n`);
  process.stdout.write(`bundle: packages/core/dist/${name}.bundle.js ${(fs.statSync(out).size / 1024).toFixed(0)} KiB\n`);
}
