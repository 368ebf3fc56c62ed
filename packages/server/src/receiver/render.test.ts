import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { CallbackMessage } from '@tidings/spec';
import { renderXml } from './render.ts';

const base: CallbackMessage = {
  id: 'evt_1',
  type: 'profile',
  action: 'update',
  timestamp: '2026-11-22 09:00:00',
  time: 1795338000,
  database: '1',
  collection: null,
  profile: '5',
  subprofile: null,
  created: '2026-11-22 08:00:00',
  modified: '2026-11-22 09:00:00',
  fields: {},
  previous: null,
  interests: [],
};

const HOSTILE = [
  '<',
  '>',
  '&',
  '"',
  "'",
  ']]>',
  '<![CDATA[x]]>',
  '<!DOCTYPE x [<!ENTITY a "b">]>',
  '&amp;',
  '&#0;',
  '\u0000\u0001\u0008\u000B\u000C\u001F',
  '\uFFFE\uFFFF',
  '\uD800',
  'tab\there\nnewline\r\nend',
  ' spaces ',
  '💥 emoji',
  '</field><field name="injected">x',
  'xmlns:evil="urn:x"',
  '1 < 2 && 3 > 2',
];

describe('XML rendering', () => {
  it('stays well-formed and round-trips for hostile names and values', () => {
    const fields = Object.fromEntries(HOSTILE.map((text, index) => [`${text}${index}`, `${index}${text}`]));
    const xml = renderXml({ ...base, fields, previous: fields, interests: HOSTILE });
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: true, trimValues: false, parseTagValue: false })
      .parse(xml) as { callback: { fields: { field: Array<{ name: string; '#text': string }> } } };
    const names = parsed.callback.fields.field.map((field) => field.name);
    expect(names).toHaveLength(HOSTILE.length);
    // characters XML cannot carry become U+FFFD; everything else comes back exactly
    const expected = HOSTILE.map((text, index) => `${text}${index}`.replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD'));
    expect(names).toEqual(expected);
  });

  it('omits null values and writes the scalars in the documented order', () => {
    const xml = renderXml(base);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><callback><id>evt_1</id><type>profile</type><action>update</action>' +
        '<timestamp>2026-11-22 09:00:00</timestamp><time>1795338000</time><database>1</database><profile>5</profile>' +
        '<created>2026-11-22 08:00:00</created><modified>2026-11-22 09:00:00</modified><fields></fields><interests></interests></callback>',
    );
  });
});
