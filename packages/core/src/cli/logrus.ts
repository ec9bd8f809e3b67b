/**
 * runc and crictl report errors through logrus: `time="..." level=error msg="..."` (crictl's
 * fatal errors use level=fatal), or JSON with runc's --log-format json.
 */
export function logrusLine(message: string, level: 'error' | 'fatal' | 'warning', format: 'text' | 'json' = 'text'): string {
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  if (format === 'json') return `${JSON.stringify({ level, msg: message, time })}\n`;
  return `time="${time}" level=${level} msg=${JSON.stringify(message)}\n`;
}
