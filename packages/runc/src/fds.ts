/** runc passes $LISTEN_FDS (socket activation) through in addition to --preserve-fds. */
export function listenFds(): number {
  const n = Number(process.env.LISTEN_FDS ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}
