/**
 * The names of better-sqlite3's compiled addon, apart from sqlite.ts (which holds better-sqlite3's
 * JavaScript): the task's shim looks for the loaded addon without loading the package.
 * better-sqlite3 is compiled per Node ABI: beside the default build/Release/better_sqlite3.node a
 * checkout or an install may hold builds for other Nodes, better_sqlite3-abi<N>.node (the test
 * script makes one for the Node LTS).
 */

/** The file names to try for the running Node, its own ABI's first. */
export function addonFileNames(): string[] {
  return [`better_sqlite3-abi${process.versions.modules}.node`, 'better_sqlite3.node'];
}

/** Whether a path is one of the addon's builds (a key of require.cache, say). */
export function isAddonFile(file: string): boolean {
  return /\/better_sqlite3(-abi\d+)?\.node$/.test(file);
}
