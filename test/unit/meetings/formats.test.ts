import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MEETING_FORMAT, loadMeetingFormats } from '../../../src/config/meeting-formats.ts';
import { checkFormat, type FormatInput } from '../../../src/domain/meetings/format.ts';

const round = (id: string, actions: string[] = [], minutes = 10) => ({ id, title: `Round ${id}`, prompt: `Prompt for ${id}`, minutes, actions });

const valid = (name = 'mine'): FormatInput => ({
  name,
  title: 'My meeting',
  description: 'A test format',
  rounds: [round('check-in', ['check-in']), round('needs', ['need-help']), round('helping', ['offer-help'])],
  closingNote: 'Bye for now.',
});

describe('the shipped meeting formats', () => {
  const formats = loadMeetingFormats();

  it('GIVEN data/formats THEN grow and short load, and the default format is among them', () => {
    expect([...formats.keys()].sort()).toEqual(['grow', 'short']);
    expect(formats.has(DEFAULT_MEETING_FORMAT)).toBe(true);
  });

  it('GIVEN the grow format THEN its rounds follow the GROW order and last about 75 minutes', () => {
    const grow = formats.get('grow')!;
    expect(grow.rounds.map((r) => r.id)).toEqual(['opening', 'check-in', 'progress', 'needs', 'problem-solving', 'tasks', 'reading', 'close']);
    expect(grow.rounds.reduce((sum, r) => sum + r.minutes, 0)).toBe(75);
  });

  it('GIVEN the short format THEN it runs check-in, needs, helping, tasks, close in about 30 minutes', () => {
    const short = formats.get('short')!;
    expect(short.rounds.map((r) => r.actions)).toEqual([['check-in'], ['need-help'], ['offer-help'], ['commit-task'], ['rate-meeting']]);
    expect(short.rounds.reduce((sum, r) => sum + r.minutes, 0)).toBe(30);
  });

  it('GIVEN the grow opening THEN it states the axiom, first names only, confidentiality and the chair', () => {
    const opening = formats.get('grow')!.rounds[0]!.prompt;
    expect(opening).toContain('If you need help, help others.');
    expect(opening).toMatch(/first names only/i);
    expect(opening).toMatch(/stays here/i);
    expect(opening).toContain('{chair}');
  });
});

describe('checking a format', () => {
  it('GIVEN a well-formed format THEN it is accepted unchanged', () => {
    const result = checkFormat(valid());
    expect(result).toEqual({ ok: true, value: valid() });
  });

  it('GIVEN offer-help in the same round as need-help THEN it is refused as helping before needs', () => {
    const result = checkFormat({ ...valid(), rounds: [round('all', ['need-help', 'offer-help'])] });
    expect(result).toEqual({ ok: false, error: [{ kind: 'help-before-needs', roundId: 'all' }] });
  });

  it('GIVEN 0 minutes, 121 minutes and 2.5 minutes THEN each round is refused as out of range', () => {
    const result = checkFormat({ ...valid(), rounds: [round('a', [], 0), round('b', [], 121), round('c', [], 2.5)] });
    expect(result.ok ? [] : result.error.map((p) => p.kind)).toEqual(['minutes-out-of-range', 'minutes-out-of-range', 'minutes-out-of-range']);
  });

  it('GIVEN no rounds or 21 rounds THEN the round count is refused', () => {
    const none = checkFormat({ ...valid(), rounds: [] });
    const many = checkFormat({ ...valid(), rounds: Array.from({ length: 21 }, (_, i) => round(`r${i}`, [], 1)) });
    expect(none.ok ? null : none.error).toEqual([{ kind: 'round-count', count: 0, min: 1, max: 20 }]);
    expect(many.ok ? null : many.error).toEqual([{ kind: 'round-count', count: 21, min: 1, max: 20 }]);
  });

  it('GIVEN a round title of 101 characters and a prompt of 1001 THEN both are refused as too long for Discord', () => {
    const long = { ...round('long'), title: 'x'.repeat(101), prompt: 'y'.repeat(1001) };
    const result = checkFormat({ ...valid(), rounds: [long] });
    expect(result.ok ? null : result.error).toEqual([
      { kind: 'text-too-long', field: 'round title', length: 101, max: 100, roundIndex: 0 },
      { kind: 'text-too-long', field: 'round prompt', length: 1001, max: 1000, roundIndex: 0 },
    ]);
  });

  it('GIVEN a title of exactly 100 characters and a prompt of exactly 1000 THEN they fit', () => {
    const exact = { ...round('exact'), title: 'x'.repeat(100), prompt: 'y'.repeat(1000) };
    expect(checkFormat({ ...valid(), rounds: [exact] }).ok).toBe(true);
  });

  it('GIVEN a placeholder other than {chair} in a prompt THEN it is refused', () => {
    const result = checkFormat({ ...valid(), rounds: [{ ...round('a'), prompt: 'Hello {member}, {chair} chairs' }] });
    expect(result.ok ? null : result.error).toEqual([{ kind: 'unknown-placeholder', roundId: 'a', placeholder: 'member' }]);
  });

  it('GIVEN a round id with spaces or capitals THEN it is refused (ids go into button ids)', () => {
    const result = checkFormat({ ...valid(), rounds: [round('Check In')] });
    expect(result.ok ? null : result.error).toEqual([{ kind: 'bad-slug', field: 'round id', value: 'Check In', roundIndex: 0 }]);
  });
});

describe('loading format files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'formats-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, content: unknown) => writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  const loadError = () => {
    try {
      loadMeetingFormats(dir);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected loadMeetingFormats to throw');
  };

  it('GIVEN a valid file in a directory THEN it is returned by name', () => {
    write('mine.json', valid('mine'));
    expect(loadMeetingFormats(dir).get('mine')?.title).toBe('My meeting');
  });

  it('GIVEN an unknown action THEN the file and the action are named', () => {
    write('mine.json', { ...valid(), rounds: [round('dance', ['dance'])] });
    const message = loadError();
    expect(message).toContain(join(dir, 'mine.json'));
    expect(message).toContain('unknown action "dance"');
  });

  it('GIVEN offer-help before need-help THEN the file is refused saying needs come before helping', () => {
    write('mine.json', { ...valid(), rounds: [round('helping', ['offer-help']), round('needs', ['need-help'])] });
    const message = loadError();
    expect(message).toContain('mine.json');
    expect(message).toContain('round "helping" offers help before any round where members bring their needs');
  });

  it('GIVEN a format with offer-help and no need-help at all THEN it is refused', () => {
    write('mine.json', { ...valid(), rounds: [round('helping', ['offer-help'])] });
    expect(loadError()).toContain('needs before helping');
  });

  it('GIVEN a sharing round with share bounds THEN the file loads and keeps them', () => {
    write('mine.json', {
      ...valid('mine'),
      rounds: [{ ...round('check-in', ['check-in']), turns: true, shareMinutes: { min: 1, max: 3 } }, round('needs', ['need-help'])],
    });
    expect(loadMeetingFormats(dir).get('mine')?.rounds[0]).toMatchObject({ turns: true, shareMinutes: { min: 1, max: 3 } });
  });

  it('GIVEN share bounds on a round that is not a sharing round THEN the file is refused naming the round', () => {
    write('mine.json', { ...valid(), rounds: [{ ...round('talk'), shareMinutes: { min: 1, max: 3 } }] });
    expect(loadError()).toContain('talk');
  });

  it('GIVEN two rounds with the same id THEN the file is refused naming the id', () => {
    write('mine.json', { ...valid(), rounds: [round('talk'), round('talk')] });
    expect(loadError()).toMatch(/mine\.json.*round id "talk" is used more than once/);
  });

  it('GIVEN a name different from the file name THEN the file is refused naming both', () => {
    write('mine.json', valid('other'));
    expect(loadError()).toMatch(/mine\.json.*name "other" must match the file name "mine"/);
  });

  it('GIVEN a misspelt field THEN zod refuses the shape and the file and the path are named', () => {
    write('mine.json', { ...valid(), rounds: [{ ...round('a'), minuts: 5 }] });
    expect(loadError()).toMatch(/mine\.json is not a valid meeting format: rounds\.0/);
  });

  it('GIVEN text that is not JSON THEN the file is named', () => {
    write('mine.json', '{ "name": ');
    expect(loadError()).toMatch(/mine\.json could not be read as JSON/);
  });

  it('GIVEN one good file and one broken file THEN loading fails on the broken one', () => {
    write('a.json', valid('a'));
    write('b.json', { ...valid('b'), rounds: [round('x', ['offer-help'])] });
    expect(loadError()).toContain('b.json');
  });

  it('GIVEN a directory without formats THEN loading fails saying so', () => {
    expect(loadError()).toContain('holds no meeting format');
  });
});
