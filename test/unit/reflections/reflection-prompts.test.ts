import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadReflectionPrompts } from '../../../src/config/reflection-prompts.ts';

const fileWith = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'prompts-')), 'reflection-prompts.json');
  writeFileSync(path, content);
  return pathToFileURL(path);
};

describe('reflection prompts shipped in data/', () => {
  it('GIVEN the shipped file THEN it has several helping prompts and several needs prompts', () => {
    const prompts = loadReflectionPrompts();
    expect([prompts.helping.length >= 3, prompts.needs.length >= 2]).toEqual([true, true]);
  });

  it('GIVEN the shipped file THEN the needs prompts include "What support would you like next week?"', () => {
    expect(loadReflectionPrompts().needs).toContain('What support would you like next week?');
  });

  it('GIVEN the shipped file THEN the helping prompts include the examples from the domain brief', () => {
    expect(loadReflectionPrompts().helping).toEqual(
      expect.arrayContaining([
        'When did something you said make a difference to someone this week?',
        'What did helping someone teach you about your own situation?',
        'Where did you both give and receive?',
      ]),
    );
  });

  it('GIVEN the shipped file THEN no prompt is repeated', () => {
    const { helping, needs } = loadReflectionPrompts();
    expect(new Set([...helping, ...needs]).size).toBe(helping.length + needs.length);
  });

  it('GIVEN an empty needs list THEN loading fails naming the file and the field', () => {
    const file = fileWith(JSON.stringify({ helping: ['How was it?'], needs: [] }));
    expect(() => loadReflectionPrompts(file)).toThrow(/reflection-prompts\.json is not valid: needs/);
  });

  it('GIVEN a blank prompt THEN loading fails naming where it is', () => {
    const file = fileWith(JSON.stringify({ helping: ['How was it?', '   '], needs: ['What next?'] }));
    expect(() => loadReflectionPrompts(file)).toThrow(/helping\.1/);
  });

  it('GIVEN a file that is not JSON THEN loading fails naming the file', () => {
    expect(() => loadReflectionPrompts(fileWith('{ helping: '))).toThrow(/reflection-prompts\.json could not be read as JSON/);
  });
});
