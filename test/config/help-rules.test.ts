import { describe, expect, it } from 'vitest';
import { helpRulesSchema, loadHelpRules } from '../../src/config/help-rules.ts';

const shipped = loadHelpRules();
const problems = (reflectionMinActive: unknown) =>
  helpRulesSchema.safeParse({ ...shipped, reflectionMinActive }).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

describe('the reflection threshold in data/help-rules.json', () => {
  it('GIVEN the shipped rules THEN the threshold is 5', () => {
    expect(shipped.reflectionMinActive).toBe(5);
  });

  it('GIVEN a threshold of 4 THEN the rules are refused, saying plainly why', () => {
    expect(problems(4)).toEqual([
      'reflectionMinActive: must be 5 or more: with fewer members, the numbers in reflections and summaries could point at one person',
    ]);
  });

  it('GIVEN a threshold of 5 THEN the rules are accepted', () => {
    expect(problems(5)).toEqual([]);
  });

  it('GIVEN a threshold that is not a whole number THEN the rules are refused, saying what is expected', () => {
    expect(problems(5.5)).toEqual(['reflectionMinActive: must be a whole number, 5 or more']);
  });
});
