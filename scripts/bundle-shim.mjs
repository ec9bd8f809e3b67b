// The shim as one file (packages/core/dist/shim.bundle.js) with a V8 code cache, like the init
// stage's bundle: one compiled file instead of ~100 small modules is less memory in every
// running shim and a faster start. koffi (native) stays outside. See packages/core/src/tasks/shim.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { LAZY_REQUIRE, LAZY_RUNTIME } from './bundle.mjs';

export async function bundleShim(root) {
  const dist = path.join(root, 'packages', 'core', 'dist');
  const out = path.join(dist, 'shim.bundle.js');
  for (const f of fs.readdirSync(dist)) if (/^shim\.bundle\..*\.cache$/.test(f)) fs.rmSync(path.join(dist, f));
  await build({
    entryPoints: [path.join(dist, 'tasks', 'shim', 'main.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    external: ['koffi'],
    // Module-level requires load on first use: the shim runs only the code of its own path.
    banner: { js: LAZY_RUNTIME },
    plugins: [{
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
  // Under the shim's own V8 flags: V8 refuses a code cache made under other flags.
  const { SHIM_NODE_FLAGS } = createRequire(import.meta.url)(path.join(dist, 'tasks', 'prespawn.js'));
  const r = spawnSync(process.execPath, [...SHIM_NODE_FLAGS, path.join(dist, 'tasks', 'shim', 'entry.js')], { env: { ...process.env, BERTH_SHIM_WRITE_CACHE: '1' }, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`bundle: shim code cache not written: ${r.stderr}\n`);
  process.stdout.write(`bundle: packages/core/dist/shim.bundle.js ${(fs.statSync(out).size / 1024).toFixed(0)} KiB\n`);
}
