import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPENAPI_PATH, startSandbox } from '../../src/sandbox/sandbox.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function tempFile(name: string, content: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hc-openapi-')), name);
  writeFileSync(file, content);
  return file;
}

describe("the sandbox's OpenAPI description", () => {
  it('GIVEN default options THEN the description is the copy inside the repository, with its licence beside it', () => {
    expect(path.relative(REPO_ROOT, DEFAULT_OPENAPI_PATH)).toBe(path.join('src', 'sandbox', 'spec', 'discord-openapi.json'));
    const spec = JSON.parse(readFileSync(DEFAULT_OPENAPI_PATH, 'utf8')) as { openapi: string; info: { version: string } };
    expect(spec.openapi).toMatch(/^3\.1\./);
    expect(spec.info.version).toBe('10');
    const licence = path.join(path.dirname(DEFAULT_OPENAPI_PATH), 'LICENSE');
    expect(existsSync(licence)).toBe(true);
    expect(readFileSync(licence, 'utf8')).toMatch(/^MIT License/);
  });

  it('GIVEN a missing OpenAPI file WHEN the sandbox starts THEN it fails, naming the file, instead of switching validation off', async () => {
    await expect(startSandbox({ openapiPath: '/nonexistent/discord-openapi.json' })).rejects.toThrow(
      /cannot start: Discord's OpenAPI description at \/nonexistent\/discord-openapi\.json could not be loaded \(the file does not exist\)/,
    );
  });

  it('GIVEN an OpenAPI file that is not JSON WHEN the sandbox starts THEN it fails with the parse error', async () => {
    const file = tempFile('discord-openapi.json', '{ "openapi": "3.1.0", "paths": { truncated');
    await expect(startSandbox({ openapiPath: file })).rejects.toThrow(/could not be loaded \(.*JSON/);
  });

  it('GIVEN a JSON file that is not an OpenAPI description WHEN the sandbox starts THEN it fails, saying so', async () => {
    const file = tempFile('discord-openapi.json', '{"hello": "world"}');
    await expect(startSandbox({ openapiPath: file })).rejects.toThrow(/could not be loaded \(not an OpenAPI description/);
  });
});
