import { afterEach, describe, expect, it } from 'vitest';
import { loadCrisisWords } from '../../../src/config/help-rules.ts';
import { CircleService } from '../../../src/services/circle-service.ts';
import { SafetyService } from '../../../src/services/safety-service.ts';
import { circleSettingsRepository } from '../../../src/store/circle-settings-repository.ts';
import { crisisAlertStore } from '../../../src/store/crisis-alert-store.ts';
import { GuildIndex } from '../../../src/store/guild-index.ts';
import { GuildWriteQueue } from '../../../src/store/guild-write-queue.ts';
import type { Store } from '../../../src/store/sqlite-store.ts';
import { sqliteFile } from '../../storage/sqlite-file.ts';

const GUILD = 'g1';
const MEMBER = 'u1';
const opened: Store[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

async function safetyService(): Promise<SafetyService> {
  const { store } = await sqliteFile();
  opened.push(store);
  const queue = new GuildWriteQueue();
  return new SafetyService({
    circle: new CircleService(circleSettingsRepository(store, queue)),
    alerts: crisisAlertStore(store, queue),
    guilds: new GuildIndex(store, 'crisis-alert-guilds'),
    crisisWords: loadCrisisWords(),
    followUpMinutes: 30,
  });
}

describe('a member asking a moderator to check in', () => {
  it('GIVEN their request was never delivered WHEN they press again THEN the same alert comes back to be delivered, not as already sent', async () => {
    const safety = await safetyService();
    const first = await safety.raiseCheckInRequest(GUILD, MEMBER, 'crisis');
    const again = await safety.raiseCheckInRequest(GUILD, MEMBER, 'crisis');
    expect(first.repeated).toBe(false);
    expect(again).toEqual({ alert: first.alert, repeated: false });
    expect(await safety.undelivered(GUILD)).toHaveLength(1);
  });

  it('GIVEN their request reached the moderators WHEN they press again THEN it is repeated and no second alert is raised', async () => {
    const safety = await safetyService();
    const first = await safety.raiseCheckInRequest(GUILD, MEMBER, 'crisis');
    await safety.delivered(GUILD, first.alert.id, 'mods', 'post1');
    const again = await safety.raiseCheckInRequest(GUILD, MEMBER, 'crisis');
    expect(again.repeated).toBe(true);
    expect(again.alert.id).toBe(first.alert.id);
    expect(await safety.alert(GUILD, first.alert.id)).toMatchObject({ messageId: 'post1' });
  });
});
