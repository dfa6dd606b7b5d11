/** Aligned text tables for people. Cells come from the cloud (names, tags), so they are made printable first. */

/** Longest cell, in code points, unless a column says otherwise. */
export const MAX_CELL_LENGTH = 48;

/**
 * A printable, bounded cell: control and bidirectional formatting characters escaped (a name cannot forge a
 * table line or recolour the terminal), then cut to `maxLength` code points with `…`.
 *
 * @example
 * printable('web\n01'); // 'web\\u{a}01'
 */
export function printable(value: string, maxLength = MAX_CELL_LENGTH): string {
  const escaped = value.replace(
    /[\p{Cc}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu,
    (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`,
  );
  const points = [...escaped];
  return points.length <= maxLength ? escaped : `${points.slice(0, maxLength - 1).join('')}…`;
}

/**
 * Formats rows under a header, columns separated by two spaces, trailing spaces trimmed. Cells must already
 * be printable; widths are counted in code points.
 *
 * @example
 * formatTable(['ID', 'NAME'], [['i-1', 'web']]); // 'ID   NAME\ni-1  web\n'
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => [...(row[column] ?? '')].length)));
  const lines = all.map((row) =>
    header
      .map((_, column) => {
        const text = row[column] ?? '';
        return text + ' '.repeat(widths[column]! - [...text].length);
      })
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
