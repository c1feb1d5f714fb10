// Markdown pieces the generated regions are made of, written as Prettier writes them (aligned
// tables), so that `npm run docs` and `prettier --check` agree on every byte.

export type Align = "left" | "right";

/** Escapes what Markdown would read as emphasis or a table cell's end, outside code spans. */
export function escapeText(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") ? part : part.replace(/([\\*|<])/g, "\\$1")))
    .join("");
}

export const code = (text: string): string => `\`${text}\``;

/** A GitHub table padded as Prettier pads it: every column as wide as its widest cell. */
export function table(header: string[], rows: string[][], align: Align[] = []): string {
  const width = header.map((cell, column) =>
    Math.max(3, cellWidth(cell), ...rows.map((row) => cellWidth(row[column] ?? ""))),
  );
  const line = (cells: string[]) =>
    `| ${cells
      .map((cell, column) =>
        align[column] === "right"
          ? cell.padStart(width[column] + cell.length - cellWidth(cell))
          : cell.padEnd(width[column] + cell.length - cellWidth(cell)),
      )
      .join(" | ")} |`;
  const rule = width.map((w, column) =>
    align[column] === "right" ? `${"-".repeat(w - 1)}:` : "-".repeat(w),
  );
  return [line(header), `| ${rule.join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** Characters as displayed: code points, which is what Prettier counts for this text. */
const cellWidth = (cell: string) => [...cell].length;

/** Words in lines of at most `width` characters (a longer word stays whole). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
