import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadMeetingFormats } from '../../src/config/meeting-formats.ts';
import { newMeetingRecord } from '../../src/domain/meetings/meeting-record.ts';
import { startMeeting } from '../../src/domain/meetings/meeting-state.ts';
import { guildKey } from '../../src/store/guild-key.ts';
import { idList } from '../../src/store/guild-index.ts';
import { GuildWriteQueue, type GuildWrite } from '../../src/store/guild-write-queue.ts';
import { MeetingStore } from '../../src/store/meeting-store.ts';
import { DEFAULT_PREFS, MemberPrefsStore } from '../../src/store/member-prefs-store.ts';
import { writeRecord } from '../../src/store/stored-record.ts';
import { sqliteFile } from './sqlite-file.ts';

const root = join(import.meta.dirname, '..', '..');
const FIXTURE = resolve(import.meta.dirname, 'fixtures', 'write-handle.fixture.ts');
const EXPECT_ERROR = '// @ts-expect-error';

/**
 * Compiles the fixture with the project's options, each `@ts-expect-error` turned into a plain comment,
 * and returns the lines that fail (1-based) and the lines the directives stood before.
 */
function compileWithoutDirectives(): { failing: number[]; marked: number[] } {
  const text = readFileSync(FIXTURE, 'utf8');
  const lines = text.split('\n');
  const marked = lines.flatMap((line, index) => (line.trim().startsWith(EXPECT_ERROR) ? [index + 2] : []));
  const stripped = text.replaceAll(EXPECT_ERROR, '// (expected error)');
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    resolve(fileName) === FIXTURE ? ts.createSourceFile(fileName, stripped, languageVersion, true) : getSourceFile(fileName, languageVersion, ...rest);
  const program = ts.createProgram([FIXTURE], options, host);
  const fixture = program.getSourceFile(FIXTURE)!;
  const diagnostics = ts.getPreEmitDiagnostics(program, fixture).filter((diagnostic) => diagnostic.file === fixture);
  const failing = [...new Set(diagnostics.map((diagnostic) => fixture.getLineAndCharacterOfPosition(diagnostic.start!).line + 1))].sort((a, b) => a - b);
  return { failing, marked };
}

describe('the write handle', () => {
  it("GIVEN store writes without the guild queue's handle, with a handle made outside it, or with another guild beside it THEN none of them compiles, and the same writes in the queue do", () => {
    const { failing, marked } = compileWithoutDirectives();
    expect(marked.length).toBeGreaterThan(15);
    expect(failing).toEqual(marked);
  }, 60_000);

  it("GIVEN a run WHEN its task writes THEN its handle is for the run's guild, nested runs included", async () => {
    const queue = new GuildWriteQueue();
    const seen: string[] = [];
    await queue.run('g1', async (outer) => {
      seen.push(outer.guildId);
      await queue.run('g1', async (inner) => void seen.push(inner.guildId), outer);
      await queue.run('g2', async (other) => void seen.push(other.guildId), outer);
    });
    expect(seen).toEqual(['g1', 'g1', 'g2']);
  });

  it("GIVEN a handle for one guild WHEN it writes another guild's key THEN the write throws and nothing is stored", async () => {
    const file = await sqliteFile();
    const queue = new GuildWriteQueue();
    await expect(queue.run('g1', (tx) => writeRecord(file.store, tx, guildKey('g2', 'request-ids'), idList, ['r1']))).rejects.toThrow(
      /g1 cannot write guild:g2:request-ids/,
    );
    await expect(queue.run('g1', (tx) => writeRecord(file.store, tx, 'help-guilds', idList, ['g1']))).rejects.toThrow(/cannot write help-guilds/);
    expect(await file.keysStartingWith('')).toEqual([]);
  });

  it("GIVEN a handle for one guild WHEN it stores a meeting of another guild THEN that throws and neither guild's meeting changes", async () => {
    const file = await sqliteFile();
    const queue = new GuildWriteQueue();
    const meetings = new MeetingStore(file.store);
    const state = startMeeting({ id: 'meet-1', format: loadMeetingFormats().get('short')!, now: new Date(), chairId: null });
    const other = newMeetingRecord({ state, guildId: 'g2', channelId: 'c2', startedBy: 'm1', suggestedChairId: null });
    await expect(queue.run('g1', (tx) => meetings.put(tx, other))).rejects.toThrow(/guild g2 cannot be stored with the write handle of guild g1/);
    expect(await file.keysStartingWith('guild:')).toEqual([]);
  });

  it('GIVEN a handle kept after its run ended WHEN a store writes with it THEN the write throws: it would not be in the queue', async () => {
    const file = await sqliteFile();
    const queue = new GuildWriteQueue();
    let kept: GuildWrite | undefined;
    await queue.run('g1', async (tx) => {
      kept = tx;
    });
    await expect(new MemberPrefsStore(file.store).put(kept!, 'm1', { ...DEFAULT_PREFS, recordingPaused: true })).rejects.toThrow(
      /after its write-queue run ended/,
    );
    expect(await file.keysStartingWith('guild:')).toEqual([]);
  });
});
