import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordAPIError } from 'discord.js';
import { startWorld, type World } from './harness.ts';

describe('sandbox application commands', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  it('GIVEN commands.set WHEN it succeeds THEN the commands are stored with ids, version and string permissions', async () => {
    const result = await world.client.application!.commands.set([
      { name: 'ask', description: 'Ask for help', options: [{ type: 3, name: 'topic', description: 'Topic', required: true }] },
      { name: 'circle', description: 'Circle', defaultMemberPermissions: 32n },
    ]);
    expect(result.size).toBe(2);
    const stored = world.sandbox.registeredCommands() as any[];
    expect(stored.map((c) => c.name)).toEqual(['ask', 'circle']);
    expect(stored[1]).toMatchObject({ application_id: world.sandbox.applicationId, default_member_permissions: '32', type: 1 });
    expect(stored[0].id).toMatch(/^\d+$/);
    expect(stored[0].version).toMatch(/^\d+$/);
  });

  it('GIVEN a second bulk overwrite THEN existing commands keep their ids', async () => {
    const before = world.sandbox.registeredCommands() as any[];
    await world.client.application!.commands.set([{ name: 'ask', description: 'Ask for help again' }]);
    const after = world.sandbox.registeredCommands() as any[];
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(before[0].id);
    expect(after[0].description).toBe('Ask for help again');
  });

  it('GIVEN guild commands THEN they are stored per guild and fetchable', async () => {
    const guild = world.client.guilds.cache.get(world.guild.id)!;
    await guild.commands.set([{ name: 'stats', description: 'Your stats' }]);
    expect((world.sandbox.registeredCommands(world.guild.id) as any[]).map((c) => c.name)).toEqual(['stats']);
    const fetched = await guild.commands.fetch();
    expect(fetched.first()?.name).toBe('stats');
  });

  it('GIVEN an upper-case command name THEN the PUT is refused with 400 50035 and recorded', async () => {
    const failures = world.sandbox.validationFailures.length;
    const err = await world.client.application!.commands.set([{ name: 'Ask', description: 'Bad name' }]).catch((e) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect(err).toMatchObject({ status: 400, code: 50035 });
    expect(world.sandbox.validationFailures.slice(failures)).toEqual([
      {
        route: 'PUT /applications/:app/commands',
        errors: { 0: { name: { _errors: [expect.objectContaining({ code: 'APPLICATION_COMMAND_INVALID_NAME' })] } } },
      },
    ]);
  });

  it('GIVEN a 101-character description THEN the OpenAPI schema refuses it', async () => {
    const failures = world.sandbox.validationFailures.length;
    const err = await world.client.application!.commands.set([{ name: 'long', description: 'x'.repeat(101) }]).catch((e) => e);
    expect(err).toMatchObject({ status: 400, code: 50035 });
    expect(JSON.stringify(world.sandbox.validationFailures.slice(failures))).toContain('description');
    expect(err.message).toMatch(/description/);
  });

  it('GIVEN 101 global chat commands THEN the PUT is refused', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `cmd-${i}`, description: 'x' }));
    const err = await world.client.application!.commands.set(many).catch((e) => e);
    expect(err).toMatchObject({ status: 400, code: 50035 });
  });

  it('GIVEN more than 25 options or misplaced required options THEN the command is refused', async () => {
    const options = Array.from({ length: 26 }, (_, i) => ({ type: 3, name: `o${i}`, description: 'x' }));
    await expect(world.client.application!.commands.set([{ name: 'wide', description: 'x', options }])).rejects.toMatchObject({ code: 50035 });
    await expect(
      world.client.application!.commands.set([
        {
          name: 'order',
          description: 'x',
          options: [
            { type: 3, name: 'a', description: 'x' },
            { type: 3, name: 'b', description: 'x', required: true },
          ],
        },
      ]),
    ).rejects.toMatchObject({ code: 50035 });
  });

  it('GIVEN commands.create and delete THEN single-command routes work', async () => {
    const created = await world.client.application!.commands.create({ name: 'privacy', description: 'Your data' });
    expect((world.sandbox.registeredCommands() as any[]).some((c) => c.id === created.id)).toBe(true);
    await world.client.application!.commands.delete(created.id);
    expect((world.sandbox.registeredCommands() as any[]).some((c) => c.id === created.id)).toBe(false);
  });
});
