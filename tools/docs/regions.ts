// Generated regions of a Markdown page: the text between `<!-- generated:NAME ... -->` and
// `<!-- /generated:NAME -->` belongs to `npm run docs`; everything else is written by hand.

export function replaceRegion(text: string, name: string, content: string): string {
  const start = new RegExp(`<!-- generated:${name}\\b[^>]*-->\\n`);
  const end = `<!-- /generated:${name} -->`;
  const open = start.exec(text);
  const close = text.indexOf(end);
  if (!open || close < open.index) {
    throw new Error(`no region "${name}": mark it with <!-- generated:${name} --> ... ${end}`);
  }
  const from = open.index + open[0].length;
  return `${text.slice(0, from)}\n${content.trim()}\n\n${text.slice(close)}`;
}
