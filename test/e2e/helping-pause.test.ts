import { describe, expect, it } from 'vitest';
import { loadHelpRules } from '../../src/config/help-rules.ts';
import { ask, buttonId, offer, requestIdOf, requestPost, setUpCircle } from './help-flow.ts';
import { worldsClosedAfterEach, type World } from './world.ts';

const openWorld = worldsClosedAfterEach();

/** A circle where three offers without receiving anything bring the invitation to rest. */
async function restInvited(): Promise<{ w: World; invitation: Awaited<ReturnType<typeof offer>> }> {
  const w = await openWorld({ helpRules: { ...loadHelpRules(), overHelping: { minGiven: 3, maxReceived: 0, maxRequests: 0, cooldownDays: 7 } } });
  await setUpCircle(w);
  let invitation: Awaited<ReturnType<typeof offer>> | undefined;
  for (const topic of ['First need', 'Second need', 'Third need']) {
    await ask(w, w.moderatorId, topic);
    invitation = await offer(w, w.memberId, requestIdOf(await requestPost(w, topic)));
  }
  return { w, invitation: invitation! };
}

describe('taking a break from helping', () => {
  it('GIVEN paused invitations WHEN the member presses "Turn invitations back on" THEN invitations come back', async () => {
    const { w, invitation } = await restInvited();
    const paused = await (
      await w.sandbox.clickButton({ userId: w.memberId, message: invitation, customId: buttonId(invitation, 'Pause invitations to help') })
    ).reply();
    const resumed = await (
      await w.sandbox.clickButton({ userId: w.memberId, message: paused, customId: buttonId(paused, 'Turn invitations back on') })
    ).reply();
    expect(resumed.content).toContain('back on');
    await ask(w, w.managerId, 'A need to help with');
    const own = await ask(w, w.memberId, 'My own need');
    expect(own.content).toContain('If you need help, help others');
  });

  it('GIVEN invitations already back on WHEN the member presses "Turn invitations back on" again THEN they are told nothing was changed', async () => {
    const { w, invitation } = await restInvited();
    const paused = await (
      await w.sandbox.clickButton({ userId: w.memberId, message: invitation, customId: buttonId(invitation, 'Pause invitations to help') })
    ).reply();
    await (await w.sandbox.clickButton({ userId: w.memberId, message: paused, customId: buttonId(paused, 'Turn invitations back on') })).reply();
    const again = await (await w.sandbox.clickButton({ userId: w.memberId, message: paused, customId: buttonId(paused, 'Turn invitations back on') })).reply();
    expect(again.content).toContain('already on, so nothing was changed');
  });

  it('GIVEN paused invitations WHEN the member runs /privacy resume THEN invitations are back on as well', async () => {
    const { w, invitation } = await restInvited();
    await (await w.sandbox.clickButton({ userId: w.memberId, message: invitation, customId: buttonId(invitation, 'Pause invitations to help') })).reply();
    const resumed = await (
      await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId: w.memberId, name: 'privacy', subcommand: 'resume' })
    ).reply();
    expect(resumed.content).toContain('Invitations to help others are back on');
    await ask(w, w.managerId, 'A need to help with');
    expect((await ask(w, w.memberId, 'My own need')).content).toContain('If you need help, help others');
  });
});
