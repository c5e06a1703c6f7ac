import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/help/ledger-events.ts';
import { circleSettingsRepository } from '../../src/store/circle-settings-repository.ts';
import { GuildIndex } from '../../src/store/guild-index.ts';
import { GuildWriteQueue } from '../../src/store/guild-write-queue.ts';
import { LedgerStore } from '../../src/store/ledger-store.ts';
import { circleSettingsV1toV2, dayTalliesV1toV2, type CircleSettingsV1 } from '../../src/store/migrations.ts';
import { upgradeStoredRecords } from '../../src/store/upgrade-records.ts';
import { BACKENDS, inRun, storeFile, type StoreFile } from './sqlite-file.ts';

const [GUILD, OTHER_GUILD, ASKER, GIVER] = ['g1', 'g2', '100000000000000001', '100000000000000002'];

/** Circle settings exactly as the release before the crisis ping role wrote them: no `v`, no `crisisPingRoleId`. */
const SETTINGS_BEFORE_PING_ROLE = JSON.parse(`{
  "circleChannelId": "200000000000000001",
  "moderatorRoleId": "200000000000000002",
  "memberRoleId": null,
  "modChannelId": "200000000000000003",
  "timezone": "Europe/London",
  "crisisResources": "Samaritans: 116 123",
  "reflectionDay": "sun",
  "reflectionTime": "18:00",
  "updatedAt": "2026-11-20T10:00:00.000Z",
  "updatedBy": "100000000000000001"
}`) as CircleSettingsV1;

/** Circle settings exactly as the release before versioned records wrote them: the ping role, still no `v`. */
const SETTINGS_BEFORE_VERSIONS = JSON.parse(`{
  "circleChannelId": "200000000000000001",
  "moderatorRoleId": null,
  "memberRoleId": null,
  "modChannelId": "200000000000000003",
  "timezone": "UTC",
  "crisisResources": null,
  "crisisPingRoleId": "200000000000000009",
  "reflectionDay": "fri",
  "reflectionTime": "17:30",
  "updatedAt": "2026-12-05T10:00:00.000Z",
  "updatedBy": "100000000000000001"
}`) as CircleSettingsV1;

/** As app.ts does at start-up. */
const startUp = async (file: StoreFile) => upgradeStoredRecords(file.store, new GuildWriteQueue(), await new GuildIndex(file.store, 'circle-guilds').all());
const settingsKey = (guildId: string) => `guild:${guildId}:circle-settings`;

describe('migrations, as pure functions', () => {
  it('GIVEN circle settings from before the crisis ping role WHEN lifted to version 2 THEN they page no role and keep everything else', () => {
    expect(circleSettingsV1toV2(SETTINGS_BEFORE_PING_ROLE)).toEqual({ ...SETTINGS_BEFORE_PING_ROLE, crisisPingRoleId: null });
  });

  it('GIVEN version 1 circle settings that name a ping role WHEN lifted to version 2 THEN the role stays', () => {
    expect(circleSettingsV1toV2(SETTINGS_BEFORE_VERSIONS)).toEqual(SETTINGS_BEFORE_VERSIONS);
  });

  it("GIVEN a day's version 1 tallies WHEN lifted to version 2 THEN each member's counts become a row and the day's events are chunk 0", () => {
    const v1 = { [GIVER]: { memberId: GIVER, given: 3, received: 1, requests: 2, confirmedGiven: 1, confirmedReceived: 0 } };
    expect(dayTalliesV1toV2(v1)).toEqual({ chunks: 1, members: { [GIVER]: [3, 1, 2, 1, 0] } });
  });
});

describe.each(BACKENDS)('circle settings written by earlier releases, on $name', (backend) => {
  it('GIVEN settings from before the crisis ping role in the file WHEN read through the store THEN they read with no ping role', async () => {
    const file = await storeFile(backend);
    await file.put(settingsKey(GUILD), SETTINGS_BEFORE_PING_ROLE);
    const settings = await circleSettingsRepository(file.store, new GuildWriteQueue()).get(GUILD);
    expect(settings).toEqual({ ...SETTINGS_BEFORE_PING_ROLE, crisisPingRoleId: null });
    expect(file.reports).toEqual([]);
  });

  it('GIVEN settings of both earlier shapes WHEN the bot starts THEN each is rewritten as version 2 and reads the same as before', async () => {
    const file = await storeFile(backend);
    await file.put(settingsKey(GUILD), SETTINGS_BEFORE_PING_ROLE);
    await file.put(settingsKey(OTHER_GUILD), SETTINGS_BEFORE_VERSIONS);
    await file.put('circle-guilds', [GUILD, OTHER_GUILD]);
    expect(await startUp(file)).toEqual({ circleSettings: 2 });
    expect(await file.raw(settingsKey(GUILD))).toEqual({ v: 2, ...SETTINGS_BEFORE_PING_ROLE, crisisPingRoleId: null });
    expect(await file.raw(settingsKey(OTHER_GUILD))).toEqual({ v: 2, ...SETTINGS_BEFORE_VERSIONS });
    const reopened = await file.reopen();
    expect(await circleSettingsRepository(reopened.store, new GuildWriteQueue()).get(OTHER_GUILD)).toEqual(SETTINGS_BEFORE_VERSIONS);
  });

  it('GIVEN settings already upgraded WHEN the bot starts again THEN nothing is rewritten', async () => {
    const file = await storeFile(backend);
    await file.put(settingsKey(GUILD), SETTINGS_BEFORE_PING_ROLE);
    await file.put('circle-guilds', [GUILD]);
    await startUp(file);
    const writes = await file.watchWrites();
    expect(await startUp(file)).toEqual({ circleSettings: 0 });
    expect(await writes()).toEqual([]);
  });

  it('GIVEN settings written by a newer release WHEN the bot starts THEN they are left as they are and reported', async () => {
    const file = await storeFile(backend);
    const newer = { v: 3, ...SETTINGS_BEFORE_VERSIONS, crisisPingRoleIds: ['r1'] };
    await file.put(settingsKey(GUILD), newer);
    await file.put('circle-guilds', [GUILD]);
    expect(await startUp(file)).toEqual({ circleSettings: 0 });
    expect(await file.raw(settingsKey(GUILD))).toEqual(newer);
    expect(file.reports).toEqual([{ key: settingsKey(GUILD), issues: ['v: unknown_version'], outcome: 'read-as-absent' }]);
  });
});

describe.each(BACKENDS)('ledger days written by earlier releases, on $name', (backend) => {
  const DAY = '2026-11-26';
  const event = (index: number): LedgerEvent => ({
    id: `e${index}`,
    at: `${DAY}T09:00:0${index}.000Z`,
    kind: 'offer-made',
    offerId: `o${index}`,
    requestId: 'r1',
    giverId: GIVER,
    receiverId: ASKER,
  });
  /** The day as the previous release wrote it: every event under `ledger:<day>`, tallies as objects without `v`. */
  const previousRelease = async (file: StoreFile) => {
    await file.put(`guild:${GUILD}:ledger:${DAY}`, JSON.parse(JSON.stringify([event(0), event(1)])));
    await file.put(
      `guild:${GUILD}:tally:${DAY}`,
      JSON.parse(`{
        "${GIVER}": { "memberId": "${GIVER}", "given": 2, "received": 0, "requests": 0, "confirmedGiven": 0, "confirmedReceived": 0 },
        "${ASKER}": { "memberId": "${ASKER}", "given": 0, "received": 2, "requests": 0, "confirmedGiven": 0, "confirmedReceived": 0 }
      }`),
    );
    await file.put(`guild:${GUILD}:ledger-days`, [DAY]);
  };

  it('GIVEN a day as the previous release wrote it WHEN read through the store THEN its events and tallies read as they were', async () => {
    const file = await storeFile(backend);
    await previousRelease(file);
    const ledger = new LedgerStore(file.store);
    expect(await ledger.days(GUILD)).toEqual([DAY]);
    expect(await ledger.dayEvents(GUILD, DAY)).toEqual([event(0), event(1)]);
    expect((await ledger.windowTallies(GUILD, [DAY])).get(GIVER)).toEqual({
      memberId: GIVER,
      given: 2,
      received: 0,
      requests: 0,
      confirmedGiven: 0,
      confirmedReceived: 0,
    });
    expect(file.reports).toEqual([]);
  });

  it("GIVEN a day as the previous release wrote it WHEN an event is appended THEN it joins the events already under the day's key and the tallies take version 2", async () => {
    const file = await storeFile(backend);
    await previousRelease(file);
    const writes = await file.watchWrites();
    await inRun(GUILD, (tx) => new LedgerStore(file.store).append(tx, [event(2)], 'UTC'));
    expect(await writes()).toEqual([`guild:${GUILD}:ledger:${DAY}`, `guild:${GUILD}:tally:${DAY}`]);
    expect(await file.raw(`guild:${GUILD}:tally:${DAY}`)).toEqual({ v: 2, chunks: 1, members: { [GIVER]: [3, 0, 0, 0, 0], [ASKER]: [0, 3, 0, 0, 0] } });
    expect(await new LedgerStore((await file.reopen()).store).dayEvents(GUILD, DAY)).toEqual([event(0), event(1), event(2)]);
  });
});
