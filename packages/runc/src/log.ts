/** runc logs through logrus: `time="..." level=error msg="..."`, or JSON with --log-format json. */
export function formatError(message: string, format: 'text' | 'json'): string {
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  if (format === 'json') return `${JSON.stringify({ level: 'error', msg: message, time })}\n`;
  return `time="${time}" level=error msg=${JSON.stringify(message)}\n`;
}
