/** crictl's global flags, which may come before the command (`crictl -c f.yaml images`). */
export const GLOBALS = {
  withValue: ['--config', '-c', '--runtime-endpoint', '-r', '--image-endpoint', '-i', '--timeout', '-t', '--berth-root', '--berth-state', '--berth-config'],
  switches: ['--debug', '-D'],
};
