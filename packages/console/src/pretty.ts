// Receivers' answers and messages are shown pretty-printed when they are JSON or XML, as text otherwise.

/** Indents XML one element a line; text that is not markup is left as it is. */
function indentXml(xml: string): string {
  const parts = xml.replace(/>\s+</g, '><').split(/(<[^>]+>)/).filter((part) => part.trim() !== '');
  let depth = 0;
  const lines: string[] = [];
  for (const [index, part] of parts.entries()) {
    const isTag = part.startsWith('<');
    if (isTag && part.startsWith('</')) {
      depth = Math.max(0, depth - 1);
      // <a>text</a> stays on one line
      const previous = parts[index - 1];
      const opening = parts[index - 2];
      if (previous && !previous.startsWith('<') && opening?.startsWith('<') && !opening.startsWith('</')) {
        lines[lines.length - 1] += part;
        continue;
      }
      lines.push('  '.repeat(depth) + part);
    } else if (isTag) {
      lines.push('  '.repeat(depth) + part);
      if (!part.endsWith('/>') && !part.startsWith('<?') && !part.startsWith('<!')) depth += 1;
    } else {
      lines[lines.length - 1] = (lines[lines.length - 1] ?? '') + part.trim();
    }
  }
  return lines.join('\n');
}

export function pretty(text: string): { text: string; kind: 'json' | 'xml' | 'text' } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { text: JSON.stringify(JSON.parse(trimmed), null, 2), kind: 'json' };
    } catch {
      // an excerpt cut at 4 KB is not whole JSON: shown as it came
    }
  }
  if (trimmed.startsWith('<') && trimmed.endsWith('>')) return { text: indentXml(trimmed), kind: 'xml' };
  return { text, kind: 'text' };
}
