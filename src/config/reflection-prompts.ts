import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The weekly reflection's prompts, shipped in `data/reflection-prompts.json` so a community can change
 * or translate them without touching code: `helping` prompts grounded in the helper-therapy mechanisms
 * (docs/research.md) and `needs` prompts ("What support would you like next week?"). One of each is picked per
 * week by rotation (`promptForWeek` in src/domain/reflections/weekly-reflection.ts).
 */
const PROMPT_MAX_LENGTH = 300;

const promptList = z.array(z.string().trim().min(1).max(PROMPT_MAX_LENGTH)).min(1);

const reflectionPromptsSchema = z.strictObject({
  helping: promptList,
  needs: promptList,
});

export type ReflectionPromptLists = z.infer<typeof reflectionPromptsSchema>;

export const REFLECTION_PROMPTS_FILE = new URL('../../data/reflection-prompts.json', import.meta.url);

/** Reads and checks the prompts; a broken file stops start-up naming the file and the problem. */
export function loadReflectionPrompts(file: URL = REFLECTION_PROMPTS_FILE): ReflectionPromptLists {
  const name = file === REFLECTION_PROMPTS_FILE ? 'data/reflection-prompts.json' : fileURLToPath(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${name} could not be read as JSON: ${(error as Error).message}`);
  }
  const parsed = reflectionPromptsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new Error(`${name} is not valid: ${problems.join('; ')}`);
  }
  return parsed.data;
}
