import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The help ledger's tunable rules, shipped in `data/help-rules.json` so a community can change them
 * without touching code. The literature gives no numbers for typing cut-offs or over-helping
 * (docs/research.md), so these are defaults, documented in the README.
 */
export const helpRulesSchema = z.object({
  windowDays: z.int().min(7).max(365),
  typing: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('median') }),
    z.object({ mode: z.literal('absolute'), minGiven: z.int().min(1), minReceived: z.int().min(1) }),
  ]),
  overHelping: z.object({
    minGiven: z.int().min(1),
    maxReceived: z.int().min(0),
    maxRequests: z.int().min(0),
    cooldownDays: z.int().min(1),
  }),
  helpingPromptsPauseDays: z.int().min(1).max(365),
  invitationsShown: z.int().min(0).max(3),
  retentionDays: z.int().min(1),
  /**
   * The reflection threshold: the weekly reflection shows the group's balance of types only with at least
   * this many active members, and below it a group is small (counts of 1 or 2 read "a few"). Never below
   * 5, so no number can point at one person.
   */
  reflectionMinActive: z.int({ error: 'must be a whole number, 5 or more' }).min(5, {
    error: 'must be 5 or more: with fewer members, the numbers in reflections and summaries could point at one person',
  }),
  /** A crisis alert no moderator took within this many minutes is posted once more, once. */
  crisisFollowUpMinutes: z.int().min(1).max(1440),
  /** Minutes in a meeting's voice channel that count as having taken part (default 5). */
  voiceAttendanceMinutes: z.int().min(1).max(120).optional(),
});

export type HelpRules = z.infer<typeof helpRulesSchema>;

const crisisWordsSchema = z.array(z.string().trim().min(1)).min(1);

const DATA = new URL('../../data/', import.meta.url);

/** Reads and checks a shipped data file; a broken one stops start-up naming the file and the problem. */
function readDataFile<T>(name: string, schema: z.ZodType<T>): T {
  const url = new URL(name, DATA);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(url, 'utf8'));
  } catch (error) {
    throw new Error(`data/${name} could not be read as JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new Error(`data/${name} is not valid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export function loadHelpRules(): HelpRules {
  return readDataFile('help-rules.json', helpRulesSchema);
}

export function loadCrisisWords(): string[] {
  return readDataFile('crisis-words.json', crisisWordsSchema);
}
