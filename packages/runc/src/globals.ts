/** runc's global flags, which it takes before the command (`runc --root /x list`). */
export const GLOBALS = {
  withValue: ['--root', '--log', '--log-format', '--rootless', '--criu'],
  switches: ['--debug', '--systemd-cgroup'],
};
