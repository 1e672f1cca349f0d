// Encodes rows in COPY's text format. Every staged row starts with its ordinal and line number,
// which is how "last occurrence wins" stays explicit instead of relying on ctid.

const special = /[\\\t\n\r\0]/;

export function escapeCopyValue(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** True when a value cannot travel through COPY text as-is (needs escaping or holds NUL). */
export function needsCare(value: string): boolean {
  return special.test(value);
}

/**
 * One COPY text line of the selected values, after `prefix` (e.g. "ordinal\tline\t").
 * Returns null when a value holds NUL, which no PostgreSQL text value can.
 */
export function encodeCopyLine(prefix: string, values: (string | null)[], indexes: number[]): string | null {
  let out = prefix;
  for (let i = 0; i < indexes.length; i++) {
    const value = values[indexes[i] as number];
    const separator = i === 0 ? '' : '\t';
    if (value === null || value === undefined) {
      out += `${separator}\\N`;
    } else if (needsCare(value)) {
      if (value.includes('\0')) return null;
      out += separator + escapeCopyValue(value);
    } else {
      out += separator + value;
    }
  }
  return `${out}\n`;
}
