/** ctr's error line (CtrCommand.catch's words). */
export function reportError(message: string): void {
  process.stderr.write(`ctr: ${message}\n`);
}

/** ctr's global flags, which may come before the command (`ctr -n k8s.io ns ls`). */
export const GLOBALS = {
  withValue: ['--namespace', '-n', '--address', '-a', '--timeout', '--connect-timeout', '--root', '--state', '--config', '-c'],
  switches: ['--debug'],
  longForms: { '-a': '--address' },
};
