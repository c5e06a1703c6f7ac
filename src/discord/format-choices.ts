import type { APIApplicationCommandOptionChoice } from 'discord.js';
import { loadMeetingFormats } from '../config/meeting-formats.ts';
import { totalMinutes } from '../domain/meetings/format.ts';
import { text } from '../texts/texts.ts';

/** Discord's limit on a choice's name. */
const CHOICE_NAME_MAX_LENGTH = 100;

/**
 * The `format` choices of `/meeting start` and `/schedule add`: one per format in `data/formats/` (or
 * `MEETING_FORMATS_DIR`), in file-name order, read when the command files load. A new format file is
 * a new choice at the next start, with no code change. `withLength` adds the format's own length
 * ("GROW meeting (about 75 min)"); a schedule sets its own duration, so its choices leave it out.
 */
export function meetingFormatChoices({ withLength }: { withLength: boolean }): APIApplicationCommandOptionChoice<string>[] {
  return [...loadMeetingFormats().values()].map((format) => ({
    name: (withLength ? text('meeting.format.choice', { title: format.title, minutes: totalMinutes(format) }) : format.title).slice(0, CHOICE_NAME_MAX_LENGTH),
    value: format.name,
  }));
}
