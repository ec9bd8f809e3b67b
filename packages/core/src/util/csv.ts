/**
 * One record of comma-separated values, read as Go's encoding/csv reads it (ctr parses `--mount`
 * that way): a field in double quotes may hold commas, and `""` inside it is one quote; a quote
 * anywhere else is an error.
 */
export function csvRecord(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      // A quoted field: up to the quote that is not doubled, then a comma or the end.
      i += 1;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error(`extraneous or missing " in quoted-field`);
        field += text.slice(i, q);
        if (text[q + 1] === '"') { field += '"'; i = q + 2; continue; }
        i = q + 1;
        break;
      }
      if (i < text.length && text[i] !== ',') throw new Error(`extraneous or missing " in quoted-field`);
    } else {
      const end = text.indexOf(',', i);
      field = text.slice(i, end < 0 ? text.length : end);
      if (field.includes('"')) throw new Error(`bare " in non-quoted-field`);
      i += field.length;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i += 1; // the comma
  }
}
