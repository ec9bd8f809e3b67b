// The init stage as one file (packages/core/dist/init.bundle.js) with a V8 code cache: the init is
// the second Node start of every create/run/exec, and ~200 small module files cost more than
// one compiled file. koffi (native) stays outside. See packages/core/src/init.ts.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { koffiDirect, LAZY_REQUIRE, LAZY_RUNTIME } from './bundle.mjs';

export async function bundleInit(root) {
  const dist = path.join(root, 'packages', 'core', 'dist');
  const out = path.join(dist, 'init.bundle.js');
  for (const f of fs.readdirSync(dist)) if (/^init\.bundle\..*\.cache$/.test(f)) fs.rmSync(path.join(dist, f));
  await build({
    entryPoints: [path.join(dist, 'runtime', 'init', 'main.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    external: ['koffi'],
    // Module-level requires load on first use, as in the CLI bundles: the init runs only the
    // code of its own path (the bundle is in memory, so nothing is read after pivot_root).
    banner: { js: LAZY_RUNTIME },
    plugins: [koffiDirect(root), {
      name: 'berth-lazy-requires',
      setup(b) {
        b.onLoad({ filter: /\.js$/ }, async (args) => {
          if (!args.path.startsWith(dist + path.sep)) return undefined;
          const text = await fs.promises.readFile(args.path, 'utf8');
          return { contents: text.replace(LAZY_REQUIRE, '$1 $2 = __berthLazy(() => $3);'), loader: 'js' };
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
  const r = spawnSync(process.execPath, [path.join(dist, 'init.js')], { env: { ...process.env, BERTH_INIT_WRITE_CACHE: '1' }, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`bundle: init stage code cache not written: ${r.stderr}\n`);
  process.stdout.write(`bundle: packages/core/dist/init.bundle.js ${(fs.statSync(out).size / 1024).toFixed(0)} KiB\n`);
}
