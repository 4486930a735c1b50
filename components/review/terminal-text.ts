/** Text for a terminal: lines wrapped to a width, byte counts in human units. */

/** Where a token too long for a line may break: after these characters (ARN and path separators). */
const BREAK_AFTER = /[/:,=]/;

/**
 * Wraps `text` to lines of at most `width` characters, at spaces; a word longer than a line
 * (an ARN, a path) breaks after its last `/`, `:`, `,` or `=` that fits, else at the width.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (let word of text.split(" ")) {
    if (line && line.length + 1 + word.length <= width) {
      line += ` ${word}`;
      continue;
    }
    if (line) lines.push(line);
    while (word.length > width) {
      let cut = width;
      for (let i = width - 1; i > width / 3; i--) {
        if (BREAK_AFTER.test(word[i])) {
          cut = i + 1;
          break;
        }
      }
      lines.push(word.slice(0, cut));
      word = word.slice(cut);
    }
    line = word;
  }
  lines.push(line);
  return lines;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** 13107200 → "12.5 MiB": binary units, at most one decimal. */
export function formatBytes(bytes: number): string {
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < UNITS.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? n : Number(n.toFixed(1))} ${UNITS[u]}`;
}
