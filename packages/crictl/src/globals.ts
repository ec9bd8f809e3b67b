/** crictl's global flags, which may come before the command (`crictl -c f.yaml images`). */
export const GLOBALS = {
  withValue: ['--config', '-c', '--runtime-endpoint', '-r', '--image-endpoint', '-i', '--timeout', '-t', '--berth-root', '--berth-state', '--berth-config'],
  switches: ['--debug', '-D'],
  // Commands use these letters for flags of their own (runp -r runtime, exec -i/-t, logs -t, stop -t).
  longForms: { '-c': '--config', '-r': '--runtime-endpoint', '-i': '--image-endpoint', '-t': '--timeout' },
};
