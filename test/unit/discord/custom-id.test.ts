import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { COMMANDS_DIRECTORY } from '../../../src/app.ts';
import { loadCommands } from '../../../src/discord/command-loader.ts';
import type { ComponentHandler } from '../../../src/discord/command.ts';
import { customIdCodec, idPart, splitCustomId, wholeNumberPart } from '../../../src/discord/custom-id.ts';
import { MEETING_IDS } from '../../../src/discord/meeting-posts.ts';

/** Every component handler of every command file, by the prefix its codec reads. */
async function handlersByPrefix(): Promise<Map<string, ComponentHandler>> {
  const commands = await loadCommands(COMMANDS_DIRECTORY);
  return new Map(commands.flatMap((command) => command.components ?? []).map((handler) => [handler.codec.prefix, handler]));
}

const decodeId = (handlers: Map<string, ComponentHandler>, id: string) => {
  const { prefix, parts } = splitCustomId(id);
  const handler = handlers.get(prefix);
  if (!handler) throw new Error(`no handler for ${prefix}`);
  return handler.codec.decode(parts);
};

/**
 * Custom ids exactly as earlier versions posted them: buttons on old messages must keep working. Every
 * prefix a handler claims has an example here, so a new one cannot be added without saying its format.
 */
const POSTED_IDS = [
  'help-offer:Qm9vX2ItYz',
  'help-offer-modal:Qm9vX2ItYz',
  'help-close:Qm9vX2ItYz',
  'help-helped:Qm9vX2ItYz:b2ZmZXIx',
  'help-add:Qm9vX2ItYz',
  'help-add-modal:Qm9vX2ItYz',
  'help-pause-prompts',
  'help-resume-prompts',
  'crisis-check-in',
  'crisis-show',
  'crisis-take:0a1b2c3d4e',
  'privacy-delete:1182734563429105664:m2q8xk1c',
  'privacy-keep:1182734563429105664',
  'mtg-checkin:bWVldGluZw:0',
  'mtg-checkin-modal:bWVldGluZw:0',
  'mtg-need:bWVldGluZw:2:named',
  'mtg-need-modal:bWVldGluZw:2:anonymous',
  'mtg-offer:bWVldGluZw:3',
  'mtg-offer-select:bWVldGluZw:3',
  'mtg-offer-modal:bWVldGluZw:3:Qm9vX2ItYz',
  'mtg-task:bWVldGluZw:4',
  'mtg-task-modal:bWVldGluZw:4',
  'mtg-report:bWVldGluZw:1',
  'mtg-report-outcome:bWVldGluZw:1:not-done',
  'mtg-report-modal:bWVldGluZw:1:partly',
  'mtg-rate:bWVldGluZw:7:5',
  'mtg-rate-modal:bWVldGluZw:7:1',
  'mtg-volunteer:bWVldGluZw:7',
  'mtg-turn:bWVldGluZw:1:add-me',
];

describe('custom ids of the commands', () => {
  it('GIVEN ids as earlier versions posted them WHEN read back THEN each decodes, and encoding it again gives the same id', async () => {
    const handlers = await handlersByPrefix();
    for (const id of POSTED_IDS) {
      const decoded = decodeId(handlers, id);
      expect(decoded.ok, id).toBe(true);
      if (decoded.ok) expect(handlers.get(splitCustomId(id).prefix)!.codec.encode(decoded.value)).toBe(id);
    }
    expect([...handlers.keys()].sort()).toEqual(POSTED_IDS.map((id) => splitCustomId(id).prefix).sort());
  });

  it('GIVEN a round button WHEN decoded THEN its handler gets the meeting and the round as a number', async () => {
    const decoded = decodeId(await handlersByPrefix(), 'mtg-rate:bWVldGluZw:7:5');
    expect(decoded).toEqual({ ok: true, value: { meetingId: 'bWVldGluZw', roundIndex: 7, score: 5 } });
  });

  it.each([
    ['a round that is not a number', 'mtg-checkin:abc:notanumber'],
    ['a negative round', 'mtg-checkin:abc:-1'],
    ['a round with a leading zero', 'mtg-checkin:abc:01'],
    ['a part missing', 'mtg-checkin:abc'],
    ['a part too many', 'mtg-checkin:abc:1:extra'],
    ['a score out of range', 'mtg-rate:abc:1:6'],
    ['an unknown choice', 'mtg-need:abc:1:maybe'],
    ['an unknown outcome', 'mtg-report-modal:abc:1:finished'],
    ['an empty id part', 'help-offer:'],
    ['an offer id missing', 'help-helped:Qm9vX2ItYz'],
    ['a part on an id that has none', 'crisis-show:1'],
    ['a user id that is not a snowflake', 'privacy-keep:someone'],
  ])('GIVEN %s (%s) WHEN decoded THEN it is a stale id, named by its prefix only', async (_, id) => {
    const decoded = decodeId(await handlersByPrefix(), id);
    expect(decoded).toEqual({ ok: false, error: { kind: 'stale-custom-id', prefix: splitCustomId(id).prefix } });
  });
});

describe('customIdCodec', () => {
  const codec = customIdCodec('demo', z.object({ id: idPart, round: wholeNumberPart(0, 99) }));

  it('GIVEN named parts WHEN encoded THEN they follow the prefix in the order of the schema', () => {
    expect(codec.encode({ round: 3, id: 'abc' })).toBe('demo:abc:3');
  });

  it('GIVEN positional parts WHEN encoded and decoded THEN they come back as they were', () => {
    const pair = customIdCodec('pair', z.tuple([idPart, z.enum(['a', 'b'])]));
    expect(pair.encode(['x1', 'b'])).toBe('pair:x1:b');
    expect(pair.decode(['x1', 'b'])).toEqual({ ok: true, value: ['x1', 'b'] });
  });

  it('GIVEN no schema THEN the id is the prefix alone', () => {
    expect(customIdCodec('plain').encode([])).toBe('plain');
    expect(customIdCodec('plain').decode([]).ok).toBe(true);
  });

  it("GIVEN values whose id would exceed Discord's 100 characters WHEN encoded THEN it throws, naming the prefix", () => {
    const long = customIdCodec('long', z.object({ a: z.string(), b: z.string() }));
    expect(() => long.encode({ a: 'x'.repeat(50), b: 'y'.repeat(50) })).toThrow(/100 characters: long/);
  });

  it('GIVEN a value that would not decode again (a separator inside, an out-of-range number) WHEN encoded THEN it throws', () => {
    expect(() => customIdCodec('text', z.object({ a: z.string() })).encode({ a: 'x:y' })).toThrow(/would not decode/);
    expect(() => codec.encode({ id: 'abc', round: 100 })).toThrow();
    expect(() => MEETING_IDS.checkIn.encode({ meetingId: '', roundIndex: 0 })).toThrow();
  });

  it('GIVEN a prefix with a separator or capitals THEN the codec is refused', () => {
    expect(() => customIdCodec('a:b')).toThrow(/prefix/);
    expect(() => customIdCodec('Help')).toThrow(/prefix/);
  });
});
