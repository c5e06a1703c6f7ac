import { describe, expect, it } from 'vitest';
import { checkCommandList, checkMessageBody, checkModal, toDiscordErrors } from '../../src/sandbox/limits.ts';

const button = (custom_id: string, extra: Record<string, unknown> = {}) => ({ type: 2, style: 1, label: 'B', custom_id, ...extra });
const codes = (issues: Array<{ code: string }>) => issues.map((i) => i.code);

describe('Discord limits (semantic checks the OpenAPI schema cannot express)', () => {
  it('GIVEN a link button with a custom_id or a normal button without one THEN both are refused', () => {
    const issues = checkMessageBody({
      components: [
        {
          type: 1,
          components: [
            { type: 2, style: 5, label: 'L', url: 'https://x.test', custom_id: 'x' },
            { type: 2, style: 1, label: 'B' },
          ],
        },
      ],
    });
    expect(codes(issues)).toEqual(['COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'BASE_TYPE_REQUIRED']);
  });

  it('GIVEN a custom_id of 101 characters THEN it is refused', () => {
    expect(codes(checkMessageBody({ components: [{ type: 1, components: [button('x'.repeat(101))] }] }))).toEqual(['BASE_TYPE_BAD_LENGTH']);
  });

  it('GIVEN a select and a button in one row THEN the row is too wide', () => {
    const select = { type: 3, custom_id: 's', options: [{ label: 'a', value: 'a' }] };
    expect(codes(checkMessageBody({ components: [{ type: 1, components: [select, button('b')] }] }))).toContain('COMPONENT_LAYOUT_WIDTH_EXCEEDED');
  });

  it('GIVEN 26 select options THEN they are refused', () => {
    const options = Array.from({ length: 26 }, (_, i) => ({ label: `o${i}`, value: `o${i}` }));
    expect(codes(checkMessageBody({ components: [{ type: 1, components: [{ type: 3, custom_id: 's', options }] }] }))).toContain('BASE_TYPE_BAD_LENGTH');
  });

  it('GIVEN the same custom_id twice in a message THEN it is refused', () => {
    expect(codes(checkMessageBody({ components: [{ type: 1, components: [button('a'), button('a')] }] }))).toEqual(['COMPONENT_CUSTOM_ID_DUPLICATED']);
  });

  it('GIVEN 26 embed fields THEN they are refused', () => {
    const fields = Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' }));
    expect(codes(checkMessageBody({ embeds: [{ fields }] }))).toEqual(['BASE_TYPE_MAX_LENGTH']);
  });

  it('GIVEN components v2 with content THEN the legacy field is refused', () => {
    expect(codes(checkMessageBody({ flags: 1 << 15, content: 'x', components: [{ type: 10, content: 'hi' }] }))).toEqual([
      'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
    ]);
  });

  it('GIVEN a modal with six text inputs THEN it is refused', () => {
    const row = (i: number) => ({ type: 1, components: [{ type: 4, custom_id: `t${i}`, style: 1, label: 'L' }] });
    expect(codes(checkModal({ custom_id: 'm', title: 'T', components: [0, 1, 2, 3, 4, 5].map(row) }))).toEqual(['BASE_TYPE_BAD_LENGTH']);
  });

  it('GIVEN command names with capitals, spaces or 33 characters THEN they are refused; unicode letters are fine', () => {
    const list = ['Ask', 'two words', 'x'.repeat(33), 'frage-stellen', 'spørsmål'].map((name) => ({ name, description: 'd' }));
    expect(checkCommandList(list).map((i) => i.path[0])).toEqual([0, 1, 2]);
  });

  it('GIVEN issues THEN they nest into Discord error objects', () => {
    expect(toDiscordErrors([{ path: ['embeds', 0, 'title'], code: 'C', message: 'M' }])).toEqual({
      embeds: { 0: { title: { _errors: [{ code: 'C', message: 'M' }] } } },
    });
  });
});
