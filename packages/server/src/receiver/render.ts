// The two message forms. JSON is stored ready to send; XML is rendered from it. Field names are
// arbitrary strings, so they go in attributes (<field name="…">), and everything is escaped,
// including characters XML 1.0 cannot carry at all (they become U+FFFD).
import type { CallbackMessage } from '@tidings/spec';

const INVALID_XML_CHARS = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(value: string): string {
  return value
    .replace(INVALID_XML_CHARS, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}

function fieldList(tag: string, fields: Record<string, string>): string {
  const items = Object.entries(fields)
    .map(([name, value]) => `<field name="${escapeXml(name)}">${escapeXml(value)}</field>`)
    .join('');
  return `<${tag}>${items}</${tag}>`;
}

const SCALARS = ['id', 'type', 'action', 'timestamp', 'time', 'database', 'collection', 'profile', 'subprofile', 'created', 'modified'] as const;

export function renderXml(message: CallbackMessage): string {
  let xml = '<?xml version="1.0" encoding="UTF-8"?><callback>';
  for (const key of SCALARS) {
    const value = message[key];
    if (value !== null) xml += `<${key}>${escapeXml(String(value))}</${key}>`;
  }
  xml += fieldList('fields', message.fields);
  if (message.previous !== null) xml += fieldList('previous', message.previous);
  xml += `<interests>${message.interests.map((interest) => `<interest>${escapeXml(interest)}</interest>`).join('')}</interests>`;
  return `${xml}</callback>`;
}

export function renderBody(payload: string, method: 'json' | 'xml'): { body: string; contentType: string } {
  return method === 'xml'
    ? { body: renderXml(JSON.parse(payload) as CallbackMessage), contentType: 'application/xml' }
    : { body: payload, contentType: 'application/json' };
}
