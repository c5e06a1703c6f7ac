import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEETING_FORMATS_DIR_VARIABLE } from '../../src/config/meeting-formats.ts';
import { setUpCircle } from './help-flow.ts';
import { meeting, pressAndFill, roundPost } from './meeting-flow.ts';
import { worldsClosedAfterEach } from './world.ts';

/** A third format, beside the shipped ones: nothing in the code knows its name. */
const PAIRS = {
  name: 'pairs',
  title: 'Pairs meeting',
  description: 'Members meet in pairs: a check-in, one need each, and a close.',
  rounds: [
    { id: 'arrive', title: 'Arriving in pairs', prompt: 'Say hello to your partner. {chair} keeps the time.', minutes: 4, actions: ['check-in'] },
    { id: 'needs', title: 'One need each', prompt: 'What would you like help with?', minutes: 8, actions: ['need-help'] },
    { id: 'close', title: 'Close', prompt: 'How was it?', minutes: 3, actions: ['rate-meeting'] },
  ],
  closingNote: 'Thank you, pairs.',
};

const openWorld = worldsClosedAfterEach();

/** A formats folder holding the shipped formats and the fixture, named by the variable the loader reads. */
let previous: string | undefined;
beforeEach(() => {
  const folder = mkdtempSync(join(tmpdir(), 'hc-formats-'));
  const shipped = join(import.meta.dirname, '..', '..', 'data', 'formats');
  for (const file of readdirSync(shipped).filter((name) => name.endsWith('.json'))) copyFileSync(join(shipped, file), join(folder, file));
  writeFileSync(join(folder, 'pairs.json'), JSON.stringify(PAIRS, null, 2));
  previous = process.env[MEETING_FORMATS_DIR_VARIABLE];
  process.env[MEETING_FORMATS_DIR_VARIABLE] = folder;
});
afterEach(() => {
  if (previous === undefined) delete process.env[MEETING_FORMATS_DIR_VARIABLE];
  else process.env[MEETING_FORMATS_DIR_VARIABLE] = previous;
});

type Option = { name: string; options?: Option[]; choices?: Array<{ name: string; value: string }> };
const formatChoices = (commands: unknown[], command: string, subcommand: string) =>
  (commands as Option[])
    .find((c) => c.name === command)
    ?.options?.find((o) => o.name === subcommand)
    ?.options?.find((o) => o.name === 'format')?.choices;

describe('meeting formats come from the formats folder', () => {
  it('GIVEN a third format file WHEN the bot starts THEN /meeting start and /schedule add offer it as a choice, and a meeting in it runs to its first round', async () => {
    const w = await openWorld();
    const registered = w.sandbox.registeredCommands();
    expect(formatChoices(registered, 'meeting', 'start')).toEqual([
      { name: 'GROW meeting (about 75 min)', value: 'grow' },
      { name: 'Pairs meeting (about 15 min)', value: 'pairs' },
      { name: 'Short meeting (about 30 min)', value: 'short' },
    ]);
    expect(formatChoices(registered, 'schedule', 'add')).toContainEqual({ name: 'Pairs meeting', value: 'pairs' });

    await setUpCircle(w, { 'moderator-role': w.moderatorRoleId });
    expect((await meeting(w, w.moderatorId, 'start', { format: 'pairs' })).content).toContain('The meeting has started');
    const opening = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));
    expect(opening.content).toContain('Pairs meeting');
    const first = await roundPost(w, 1);
    expect(first.content).toContain('**Round 1 of 3');
    expect(first.content).toContain('Arriving in pairs');
    expect((await pressAndFill(w, w.memberId, first, 'Check in', 'Here with a friend')).content).toContain('Thanks for checking in');
  });
});
