/** crictl's logrus lines on stderr (re-exported by output.ts; apart from it for the fast paths, which load no output formats). */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'fatal';

/** A logrus text line (crictl logs to stderr): `time="…" level=info msg="…"`. */
export function logLine(level: LogLevel, message: string): string {
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return `time="${time}" level=${level} msg=${JSON.stringify(message)}\n`;
}

export function log(level: LogLevel, message: string): void {
  process.stderr.write(logLine(level, message));
}
