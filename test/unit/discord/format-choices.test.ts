import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MEETING_FORMATS_DIR_VARIABLE } from '../../../src/config/meeting-formats.ts';
import { meetingFormatChoices } from '../../../src/discord/format-choices.ts';

const previous = process.env[MEETING_FORMATS_DIR_VARIABLE];
afterEach(() => {
  if (previous === undefined) delete process.env[MEETING_FORMATS_DIR_VARIABLE];
  else process.env[MEETING_FORMATS_DIR_VARIABLE] = previous;
});

/** A folder of `count` small valid formats named f01, f02, ... */
function folderOfFormats(count: number): string {
  const folder = mkdtempSync(join(tmpdir(), 'hc-format-choices-'));
  for (let i = 1; i <= count; i++) {
    const name = `f${String(i).padStart(2, '0')}`;
    const format = {
      name,
      title: `Format ${i}`,
      description: 'A small format.',
      rounds: [{ id: 'check-in', title: 'Check-in', prompt: 'How are you?', minutes: 5 + i, actions: ['check-in'] }],
      closingNote: 'Thank you.',
    };
    writeFileSync(join(folder, `${name}.json`), JSON.stringify(format));
  }
  return folder;
}

describe('format choices', () => {
  it('GIVEN the shipped formats THEN the choices read as they always have, so the registered commands do not change', () => {
    delete process.env[MEETING_FORMATS_DIR_VARIABLE];
    expect(meetingFormatChoices({ withLength: true })).toEqual([
      { name: 'GROW meeting (about 75 min)', value: 'grow' },
      { name: 'Short meeting (about 30 min)', value: 'short' },
    ]);
    expect(meetingFormatChoices({ withLength: false })).toEqual([
      { name: 'GROW meeting', value: 'grow' },
      { name: 'Short meeting', value: 'short' },
    ]);
  });

  it('GIVEN a folder of formats named by MEETING_FORMATS_DIR THEN each is a choice, in file-name order', () => {
    process.env[MEETING_FORMATS_DIR_VARIABLE] = folderOfFormats(3);
    expect(meetingFormatChoices({ withLength: true })).toEqual([
      { name: 'Format 1 (about 6 min)', value: 'f01' },
      { name: 'Format 2 (about 7 min)', value: 'f02' },
      { name: 'Format 3 (about 8 min)', value: 'f03' },
    ]);
  });

  it("GIVEN more formats than Discord's 25 choices THEN loading stops, saying so", () => {
    process.env[MEETING_FORMATS_DIR_VARIABLE] = folderOfFormats(26);
    expect(() => meetingFormatChoices({ withLength: true })).toThrow(/26 meeting formats; Discord offers at most 25 choices/);
  });
});
