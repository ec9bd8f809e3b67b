/** crictl's logrus lines on stderr (re-exported by output.ts; apart from it for the fast paths, which load no output formats). */
import { logrusLine, type LogrusLevel } from '@berth/core/dist/cli/logrus';

export type LogLevel = LogrusLevel;

/** A logrus text line (crictl logs to stderr): `time="…" level=info msg="…"`. */
export function logLine(level: LogLevel, message: string): string {
  return logrusLine(message, level);
}

export function log(level: LogLevel, message: string): void {
  process.stderr.write(logLine(level, message));
}
