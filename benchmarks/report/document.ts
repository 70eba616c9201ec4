import { escapeXml } from './svg.js';

/** A table: a header row and body rows of text cells. */
export interface Table {
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** A plot: its file name under `plots/`, a caption, and the SVG text. */
export interface Plot {
  readonly file: string;
  readonly caption: string;
  readonly svg: string;
}

/** A report section; rendered to Markdown (plots linked) and to HTML (plots inlined). */
export interface Section {
  readonly heading: string;
  readonly blocks: ReadonlyArray<{ kind: 'text'; text: string } | { kind: 'table'; table: Table } | { kind: 'plot'; plot: Plot }>;
}

function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A Markdown table (numeric-looking columns right-aligned). */
export function markdownTable(table: Table): string {
  const numeric = table.header.map((_, c) => table.rows.length > 0 && table.rows.every((r) => /^[-+]?[\d,.]+(\s|$|×|%)/.test(r[c] ?? '')));
  return [
    `| ${table.header.map(markdownCell).join(' | ')} |`,
    `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`,
    ...table.rows.map((r) => `| ${r.map(markdownCell).join(' | ')} |`),
  ].join('\n');
}

/** The report as Markdown; plots are linked as `plots/<file>`. */
export function renderMarkdown(title: string, intro: readonly string[], sections: readonly Section[]): string {
  const out = [`# ${title}`, '', ...intro.flatMap((p) => [p, ''])];
  for (const s of sections) {
    out.push(`## ${s.heading}`, '');
    for (const b of s.blocks) {
      if (b.kind === 'text') out.push(b.text, '');
      else if (b.kind === 'table') out.push(markdownTable(b.table), '');
      else out.push(`![${b.plot.caption}](plots/${b.plot.file})`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The report as one self-contained HTML page with the SVG plots inlined. */
export function renderHtml(title: string, intro: readonly string[], sections: readonly Section[]): string {
  const body: string[] = [`<h1>${escapeXml(title)}</h1>`, ...intro.map((p) => `<p>${escapeXml(p)}</p>`)];
  for (const s of sections) {
    body.push(`<h2>${escapeXml(s.heading)}</h2>`);
    for (const b of s.blocks) {
      if (b.kind === 'text') body.push(`<p>${escapeXml(b.text)}</p>`);
      else if (b.kind === 'table') {
        body.push('<table>', `<tr>${b.table.header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`);
        for (const r of b.table.rows) body.push(`<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`);
        body.push('</table>');
      } else body.push(`<figure>${b.plot.svg}<figcaption>${escapeXml(b.plot.caption)}</figcaption></figure>`);
    }
  }
  const style = 'body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{margin:1em 0}svg{max-width:100%;height:auto}';
  return `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>${style}</style></head>\n<body>\n${body.join('\n')}\n</body>\n</html>\n`;
}
