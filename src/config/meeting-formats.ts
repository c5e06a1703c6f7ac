import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { checkFormat, describeFormatProblem, type MeetingFormat } from '../domain/meetings/format.ts';

/**
 * Meeting formats shipped in `data/formats/*.json` (one format per file, named after it). Read and
 * checked at start-up: a broken file stops the bot with an error naming the file and every problem.
 * zod checks the shape; `checkFormat` (pure, in the domain) checks the rules about meaning, such as
 * needs before helping. Every format is a choice of `/meeting start` and `/schedule add`, so a new
 * file is all a new format takes.
 */

/** The format `/meeting start` uses when none is chosen. */
export const DEFAULT_MEETING_FORMAT = 'grow';

/** Names another folder of formats instead of the shipped `data/formats/` (tests use it for fixture formats). */
export const MEETING_FORMATS_DIR_VARIABLE = 'MEETING_FORMATS_DIR';

/** Discord offers at most 25 choices for an option, and each format is one. */
export const MAX_MEETING_FORMATS = 25;

const roundSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  prompt: z.string(),
  minutes: z.number(),
  actions: z.array(z.string()),
  // A sharing round in voice (speaking order, src/domain/meetings/turns.ts) and its bounds per share.
  turns: z.boolean().optional(),
  shareMinutes: z.strictObject({ min: z.number(), max: z.number() }).optional(),
});

const formatSchema = z.strictObject({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  rounds: z.array(roundSchema),
  closingNote: z.string(),
});

const SHIPPED = new URL('../../data/formats/', import.meta.url);

/**
 * Every `*.json` format in `directory` (default: `MEETING_FORMATS_DIR` when set, else the shipped
 * `data/formats/`), by name. Throws an Error naming the file and the problem when a file is unreadable,
 * not JSON, the wrong shape, breaks a format rule or is named differently from its `name`; also when the
 * directory holds no format at all, or more than Discord can offer as choices.
 */
export function loadMeetingFormats(
  directory: string | URL | undefined = process.env[MEETING_FORMATS_DIR_VARIABLE]?.trim() || undefined,
): Map<string, MeetingFormat> {
  const path = directory === undefined ? fileURLToPath(SHIPPED) : directory instanceof URL ? fileURLToPath(directory) : directory;
  const shown = directory === undefined ? 'data/formats' : path;
  let files: string[];
  try {
    files = readdirSync(path)
      .filter((file) => file.endsWith('.json'))
      .sort();
  } catch (error) {
    throw new Error(`${shown} could not be read: ${(error as Error).message}`);
  }
  if (files.length === 0) throw new Error(`${shown} holds no meeting format (*.json)`);
  if (files.length > MAX_MEETING_FORMATS)
    throw new Error(`${shown} holds ${files.length} meeting formats; Discord offers at most ${MAX_MEETING_FORMATS} choices`);

  const formats = new Map<string, MeetingFormat>();
  for (const file of files) {
    const format = readFormatFile(join(path, file), join(shown, file));
    formats.set(format.name, format);
  }
  return formats;
}

function readFormatFile(path: string, shown: string): MeetingFormat {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${shown} could not be read as JSON: ${(error as Error).message}`);
  }
  const parsed = formatSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new Error(`${shown} is not a valid meeting format: ${problems.join('; ')}`);
  }
  const problems: string[] = [];
  const expectedName = basename(path, '.json');
  if (parsed.data.name !== expectedName) problems.push(`name "${parsed.data.name}" must match the file name "${expectedName}"`);
  const checked = checkFormat(parsed.data);
  if (!checked.ok) problems.push(...checked.error.map(describeFormatProblem));
  if (!checked.ok || problems.length > 0) throw new Error(`${shown} is not a valid meeting format: ${problems.join('; ')}`);
  return checked.value;
}
