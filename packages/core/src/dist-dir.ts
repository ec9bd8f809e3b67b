/**
 * Where core's compiled files are (its dist/), for the scripts berth starts as processes (the
 * init stage, the shim, the CRI log relay). The only module that reads __dirname: the CLI bundles
 * keep it outside (scripts/bundle.mjs), so it names the installed package's dist/ wherever the
 * bundle that requires it lives; everything else, layout.ts included, can be bundled.
 */
export const CORE_DIST = __dirname;
