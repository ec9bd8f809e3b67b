/**
 * Where core's compiled files are (its dist/), for the scripts berth starts as processes (the
 * init stage and the shim), and core's own `require`, which finds core's native
 * dependencies (better-sqlite3) where npm put them for core: a CLI bundle's require resolves from
 * the CLI's package, and an `npm install -g` of the packages gives each its own tree. The only
 * module that reads __dirname: the CLI bundles keep it outside (scripts/bundle.mjs), so it is the
 * installed core's wherever the bundle that requires it lives; everything else can be bundled.
 */
export const CORE_DIST = __dirname;

export const coreRequire: NodeJS.Require = require;
