// The XML form of the callback message, read back into the JSON shape (CallbackMessage).
//
// A small strict reader for the one document Tidings writes instead of a general XML parser: it
// accepts elements, attributes, text, the five predefined entities and character references, and
// refuses everything a hostile or confused sender could use — DOCTYPE and entity declarations,
// comments, CDATA, processing instructions, unknown entities, characters XML 1.0 does not allow.
// Whitespace between elements is not significant; every value stays a string except `time`.
import type { CallbackMessage, Fields } from './types.ts';

interface XmlElement {
  name: string;
  attributes: Map<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlMessageError extends Error {
  override readonly name = 'XmlMessageError';
}

const MAX_DEPTH = 32;
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const SPACE = /[ \t\n]*/y;
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const DECLARATION = /^<\?xml\s+version\s*=\s*(["'])1\.[0-9]\1(?:\s+encoding\s*=\s*(["'])([A-Za-z0-9._-]+)\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\4)?\s*\?>/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

function decodeReferences(raw: string): string {
  return raw.replace(/&([^&;]*)(;?)/g, (whole, name: string, semicolon: string) => {
    if (semicolon !== ';') throw new XmlMessageError(`a bare '&' in "${raw.slice(0, 60)}"`);
    const predefined = ENTITIES[name];
    if (predefined !== undefined) return predefined;
    const reference = /^#(?:([0-9]{1,7})|x([0-9A-Fa-f]{1,6}))$/.exec(name);
    if (!reference) throw new XmlMessageError(`the entity ${whole} is not one of &amp; &lt; &gt; &quot; &apos; or a character reference`);
    const codePoint = reference[1] !== undefined ? Number(reference[1]) : Number.parseInt(reference[2] as string, 16);
    if (!isXmlChar(codePoint)) throw new XmlMessageError(`${whole} is not a character XML allows`);
    return String.fromCodePoint(codePoint);
  });
}

function parseDocument(source: string): XmlElement {
  if (NOT_XML_CHAR.test(source)) throw new XmlMessageError('the document contains a character XML does not allow');
  // XML's end-of-line handling: literal CR LF and CR are LF; a CR written as &#13; survives.
  const xml = source.replace(/\r\n?/g, '\n');
  let at = 0;
  const declaration = DECLARATION.exec(xml);
  if (declaration) {
    const encoding = declaration[3];
    if (encoding !== undefined && encoding.toLowerCase() !== 'utf-8') throw new XmlMessageError(`the encoding must be UTF-8, not ${encoding}`);
    at = declaration[0].length;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;

  const skipSpace = () => {
    SPACE.lastIndex = at;
    SPACE.exec(xml);
    at = SPACE.lastIndex;
  };
  const readName = (what: string): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(xml);
    if (!match) throw new XmlMessageError(`expected ${what} at offset ${at}`);
    at = NAME.lastIndex;
    return match[0];
  };

  while (at < xml.length) {
    const next = xml.indexOf('<', at);
    const text = xml.slice(at, next === -1 ? xml.length : next);
    const current = stack.at(-1);
    if (current) current.text += decodeReferences(text);
    else if (text.trim() !== '') throw new XmlMessageError('text outside the root element');
    if (next === -1) break;
    at = next + 1;
    const marker = xml[at];
    if (marker === '!') throw new XmlMessageError('DOCTYPE, comments and CDATA sections are not accepted');
    if (marker === '?') throw new XmlMessageError('processing instructions are not accepted');
    if (marker === '/') {
      at += 1;
      const name = readName('a closing tag name');
      skipSpace();
      if (xml[at] !== '>') throw new XmlMessageError(`expected '>' after </${name}`);
      at += 1;
      const open = stack.pop();
      if (!open || open.name !== name) throw new XmlMessageError(`</${name}> does not close ${open ? `<${open.name}>` : 'anything'}`);
      continue;
    }
    if (root !== null && stack.length === 0) throw new XmlMessageError('more than one root element');
    const element: XmlElement = { name: readName('an element name'), attributes: new Map(), children: [], text: '' };
    for (;;) {
      const before = at;
      skipSpace();
      if (xml.startsWith('/>', at) || xml[at] === '>') break;
      if (at === before) throw new XmlMessageError(`expected whitespace, '>' or '/>' in <${element.name}>`);
      const attribute = readName(`an attribute name in <${element.name}>`);
      skipSpace();
      if (xml[at] !== '=') throw new XmlMessageError(`expected '=' after ${attribute} in <${element.name}>`);
      at += 1;
      skipSpace();
      const quote = xml[at];
      if (quote !== '"' && quote !== "'") throw new XmlMessageError(`expected a quoted value for ${attribute} in <${element.name}>`);
      const end = xml.indexOf(quote, at + 1);
      if (end === -1) throw new XmlMessageError(`unterminated value of ${attribute} in <${element.name}>`);
      const raw = xml.slice(at + 1, end);
      if (raw.includes('<')) throw new XmlMessageError(`'<' in the value of ${attribute} in <${element.name}>`);
      if (element.attributes.has(attribute)) throw new XmlMessageError(`${attribute} appears twice in <${element.name}>`);
      // Attribute-value normalization: literal tabs and newlines are spaces; &#9; &#10; survive.
      element.attributes.set(attribute, decodeReferences(raw.replace(/[\t\n]/g, ' ')));
      at = end + 1;
    }
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    if (xml[at] === '/') {
      at += 2;
    } else {
      at += 1;
      if (stack.length >= MAX_DEPTH) throw new XmlMessageError(`elements nested deeper than ${MAX_DEPTH}`);
      stack.push(element);
    }
  }
  if (stack.length > 0) throw new XmlMessageError(`<${stack.at(-1)?.name}> is not closed`);
  if (root === null) throw new XmlMessageError('no root element');
  return root;
}

function onlyChild(parent: XmlElement, name: string): XmlElement | undefined {
  const found = parent.children.filter((child) => child.name === name);
  if (found.length > 1) throw new XmlMessageError(`<${name}> appears ${found.length} times`);
  return found[0];
}

function textOf(element: XmlElement): string {
  if (element.children.length > 0) throw new XmlMessageError(`<${element.name}> must hold text, not elements`);
  return element.text;
}

function childrenOnly(element: XmlElement, childName: string): XmlElement[] {
  if (element.text.trim() !== '') throw new XmlMessageError(`<${element.name}> must hold <${childName}> elements, not text`);
  for (const child of element.children) {
    if (child.name !== childName) throw new XmlMessageError(`<${element.name}> may only hold <${childName}> elements, found <${child.name}>`);
  }
  return element.children;
}

function fieldsOf(element: XmlElement | undefined): Fields | null {
  if (element === undefined) return null;
  const entries = childrenOnly(element, 'field').map((field): [string, string] => {
    const name = field.attributes.get('name');
    if (name === undefined) throw new XmlMessageError(`a <field> in <${element.name}> has no name attribute`);
    return [name, textOf(field)];
  });
  const names = new Set(entries.map(([name]) => name));
  if (names.size !== entries.length) throw new XmlMessageError(`<${element.name}> names a field twice`);
  // fromEntries defines own properties, so a field called __proto__ is a field, as in JSON.parse.
  return Object.fromEntries(entries);
}

/** Reads the XML message Tidings sends into the same object the JSON message parses to. */
export function parseCallbackXml(xml: string): CallbackMessage {
  const root = parseDocument(xml);
  if (root.name !== 'callback') throw new XmlMessageError(`the root element is <${root.name}>, not <callback>`);
  const optional = (name: string): string | null => {
    const element = onlyChild(root, name);
    return element === undefined ? null : textOf(element);
  };
  const required = (name: string): string => {
    const value = optional(name);
    if (value === null) throw new XmlMessageError(`<${name}> is missing`);
    return value;
  };
  const time = required('time').trim();
  if (!/^-?[0-9]{1,15}$/.test(time)) throw new XmlMessageError(`<time> must be Unix seconds, got "${time}"`);
  const interests = onlyChild(root, 'interests');
  return {
    id: required('id'),
    type: required('type') as CallbackMessage['type'],
    action: required('action') as CallbackMessage['action'],
    timestamp: required('timestamp'),
    time: Number(time),
    database: required('database'),
    collection: optional('collection'),
    profile: optional('profile'),
    subprofile: optional('subprofile'),
    created: optional('created'),
    modified: optional('modified'),
    fields: fieldsOf(onlyChild(root, 'fields')) ?? {},
    previous: fieldsOf(onlyChild(root, 'previous')),
    interests: interests === undefined ? [] : childrenOnly(interests, 'interest').map(textOf),
  };
}
