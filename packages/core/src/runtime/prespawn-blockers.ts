/**
 * The flags of `run`/`create` after which no init stage is started before the CLI has parsed the
 * command line (a console socket or preserved fds need the CLI's work first; help starts
 * nothing). prespawn.ts checks them, and packages/runc/bin/early-init.sh holds the same list as
 * shell patterns: scripts/bundle.mjs fails the build when the two differ. No imports: the build
 * requires this file alone.
 */
export const PRESPAWN_BLOCKERS: readonly string[] = ['--console-socket', '--preserve-fds', '--help', '-h'];
