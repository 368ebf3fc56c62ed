import { describe, expect, it } from 'vitest';
import { parseCallbackXml } from './xml.ts';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const profileMessage = (inner: string) =>
  `${DECLARATION}<callback><id>evt_1</id><type>profile</type><action>update</action><timestamp>2026-03-02 10:20:00</timestamp>` +
  `<time>1772446800</time><database>012</database><profile>56</profile><created>2026-03-02 09:15:00</created>` +
  `<modified>2026-03-02 10:20:00</modified>${inner}</callback>`;

describe('parseCallbackXml', () => {
  it('keeps IDs as strings, reads time as a number, and leaves out elements as null', () => {
    expect(parseCallbackXml(profileMessage('<fields/><interests/>'))).toEqual({
      id: 'evt_1',
      type: 'profile',
      action: 'update',
      timestamp: '2026-03-02 10:20:00',
      time: 1772446800,
      database: '012',
      collection: null,
      profile: '56',
      subprofile: null,
      created: '2026-03-02 09:15:00',
      modified: '2026-03-02 10:20:00',
      fields: {},
      previous: null,
      interests: [],
    });
  });

  it('reads a test message, which has no profile and no dates', () => {
    const xml = `${DECLARATION}<callback><id>evt_t</id><type>test</type><action>test</action><timestamp>2026-03-02 11:00:00</timestamp><time>1772449200</time><database>12</database><fields></fields><interests></interests></callback>`;
    expect(parseCallbackXml(xml)).toMatchObject({ type: 'test', profile: null, created: null, modified: null, fields: {}, interests: [] });
  });

  it('unescapes what the server escapes, in names and values alike', () => {
    const xml = profileMessage(
      '<fields>' +
        '<field name="a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;">x &amp; y &lt;z&gt;</field>' +
        '<field name="lines">one&#10;two&#13;&#10;three&#9;four</field>' +
        '<field name="unicode">Zoë ☃ 𝄞 &#x1D11E; &#233;</field>' +
        '<field name="empty"></field><field name="self-closed"/>' +
        '<field name="__proto__">polluted?</field><field name="constructor">c</field>' +
        '</fields><previous><field name="lines">old</field></previous><interests><interest>news &amp; offers</interest></interests>',
    );
    const message = parseCallbackXml(xml);
    expect(message.fields).toEqual(
      JSON.parse(
        JSON.stringify({
          'a&b <c> "d" \'e\'': 'x & y <z>',
          lines: 'one\ntwo\r\nthree\tfour',
          unicode: 'Zoë ☃ 𝄞 𝄞 é',
          empty: '',
          'self-closed': '',
          constructor: 'c',
        }).replace('{', '{"__proto__":"polluted?",'),
      ),
    );
    expect(Object.getPrototypeOf(message.fields)).toBe(Object.prototype);
    expect(message.previous).toEqual({ lines: 'old' });
    expect(message.interests).toEqual(['news & offers']);
  });

  it('ignores whitespace between elements and elements it does not know', () => {
    const xml = `${DECLARATION}\n<callback>\n  <id>evt_1</id>\n  <type>profile</type>\n  <action>create</action>\n  <timestamp>t</timestamp>\n  <time> 5 </time>\n  <database>1</database>\n  <added-later kind="x">y</added-later>\n  <fields>\n    <field name="a">1</field>\n  </fields>\n  <interests>\n  </interests>\n</callback>\n`;
    expect(parseCallbackXml(xml)).toMatchObject({ time: 5, fields: { a: '1' }, interests: [] });
  });

  it('applies XML line-end and attribute normalization', () => {
    const xml = profileMessage('<fields><field name="a\tb">x\r\ny\rz</field></fields>');
    expect(parseCallbackXml(xml).fields).toEqual({ 'a b': 'x\ny\nz' });
  });

  it.each([
    ['a DOCTYPE', `<?xml version="1.0"?><!DOCTYPE callback [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><callback>&b;</callback>`, /DOCTYPE/],
    ['a comment', profileMessage('<!-- hi --><fields/>'), /comments/],
    ['CDATA', profileMessage('<fields><field name="a"><![CDATA[x]]></field></fields>'), /CDATA/],
    ['a processing instruction', profileMessage('<?php echo 1 ?>'), /processing instructions/],
    ['an unknown entity', profileMessage('<fields><field name="a">&nbsp;</field></fields>'), /&nbsp;/],
    ['a bare ampersand', profileMessage('<fields><field name="a">fish & chips</field></fields>'), /&/],
    ['a character reference XML forbids', profileMessage('<fields><field name="a">&#0;</field></fields>'), /not a character XML allows/],
    ['a raw control character', profileMessage('<fields><field name="a">\u0001</field></fields>'), /character XML does not allow/],
    ['another encoding', profileMessage('').replace('UTF-8', 'ISO-8859-1'), /UTF-8/],
    ['a mismatched closing tag', profileMessage('<fields></field>'), /does not close/],
    ['an unclosed element', profileMessage('<fields>').replace('</callback>', ''), /not closed/],
    ['two roots', `${profileMessage('')}<callback></callback>`, /more than one root/],
    ['text outside the root', `${profileMessage('')}trailing`, /outside the root/],
    ['another root element', '<message><id>1</id></message>', /not <callback>/],
    ['a missing id', profileMessage('').replace('<id>evt_1</id>', ''), /<id> is missing/],
    ['a repeated id', profileMessage('<id>evt_2</id>'), /<id> appears 2 times/],
    ['a time that is not Unix seconds', profileMessage('').replace('1772446800', '2026-03-02'), /<time>/],
    ['a field without a name', profileMessage('<fields><field>x</field></fields>'), /no name/],
    ['a field named twice', profileMessage('<fields><field name="a">1</field><field name="a">2</field></fields>'), /twice/],
    ['an element inside a value', profileMessage('').replace('<profile>56</profile>', '<profile><b>56</b></profile>'), /must hold text/],
    ['a stranger among the fields', profileMessage('<fields><script/></fields>'), /may only hold <field>/],
    ['a nesting bomb', profileMessage(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`), /nested deeper/],
    ['an empty document', '', /no root/],
  ])('refuses %s', (_what, xml, reason) => {
    expect(() => parseCallbackXml(xml)).toThrow(reason);
  });
});
