import { describe, expect, it } from 'vitest';
import { buttonId, setUpCircle } from './help-flow.ts';
import { meeting, roundPost } from './meeting-flow.ts';
import { worldsClosedAfterEach } from './world.ts';

const openWorld = worldsClosedAfterEach();

describe('a form the bot was too slow to open', () => {
  it('GIVEN the bot had to defer a button that opens a form THEN the member is asked to press again, not told something broke', async () => {
    // deferAfterMs 0: every answer is deferred at once, as when the bot is far behind under load.
    const world = await openWorld({ deferAfterMs: 0 });
    await setUpCircle(world, { 'moderator-role': world.moderatorRoleId });
    await meeting(world, world.moderatorId, 'start', { format: 'short' });
    const checkIn = await roundPost(world, 1);

    const press = await world.sandbox.clickButton({ userId: world.memberId, message: checkIn, customId: buttonId(checkIn, 'Check in') });
    const answer = await press.reply();

    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain('Please press the button again');
    expect(answer.content).not.toMatch(/went wrong|code:/);
    expect(world.logs.entries().filter((entry) => entry.msg === 'unexpected failure')).toEqual([]);
    const record = await world.bot.services.meetings.current(world.guildId);
    expect(record?.attendees ?? []).not.toContain(world.memberId);
  });
});
