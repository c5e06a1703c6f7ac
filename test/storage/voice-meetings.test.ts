import { describe, expect, it } from 'vitest';
import { loadMeetingFormats } from '../../src/config/meeting-formats.ts';
import { newMeetingRecord, type MeetingRecord } from '../../src/domain/meetings/meeting-record.ts';
import { startMeeting } from '../../src/domain/meetings/meeting-state.ts';
import { withPresence, withTurnsStarted } from '../../src/domain/meetings/voice-turns.ts';
import { MeetingStore } from '../../src/store/meeting-store.ts';
import { BACKENDS, inRun, storeFile } from './sqlite-file.ts';

const GUILD = 'g1';
const [ALEX, BEA, CAL] = ['100000000000000001', '100000000000000002', '100000000000000003'];
const AT = '2026-11-26T12:00:00.000Z';

/**
 * A meeting record exactly as the release before voice meetings stored it: rounds without `turns`, no
 * voice channel, no meeting number, no speaking order.
 */
const STORED_BEFORE_VOICE = JSON.parse(`{
  "v": 1,
  "state": {
    "id": "meet-1", "format": "short",
    "rounds": [
      { "id": "check-in", "minutes": 5, "actions": ["check-in"] },
      { "id": "close", "minutes": 3, "actions": ["rate-meeting"] }
    ],
    "minuteMs": 60000, "status": "running", "roundIndex": 0,
    "roundStartedAt": "${AT}", "roundEndsAt": "2026-11-26T12:05:00.000Z", "pausedAt": null, "remainingMs": null,
    "startedAt": "${AT}", "endedAt": null, "endReason": null, "chairId": "${ALEX}", "revision": 0
  },
  "guildId": "${GUILD}", "channelId": "c1", "startedBy": "${ALEX}", "suggestedChairId": null,
  "openingMessageId": "m1", "threadId": "t1", "roundMessages": { "0": "m2" }, "liveRounds": [0],
  "summaryMessageId": null, "pendingNotes": [], "renderedRevision": 0,
  "attendees": ["${BEA}"], "actions": { "check-in": 1 }, "requestIds": [], "ratings": [], "sharedPosts": []
}`);

describe('sharing rounds in the shipped formats', () => {
  it('GIVEN the shipped formats WHEN loaded THEN check-in, progress and needs are sharing rounds and the others are not', () => {
    const formats = loadMeetingFormats();
    const sharing = (name: string) =>
      formats
        .get(name)!
        .rounds.filter((round) => round.turns === true)
        .map((round) => round.id);
    expect(sharing('grow')).toEqual(['check-in', 'progress', 'needs']);
    expect(sharing('short')).toEqual(['check-in', 'needs']);
  });

  it('GIVEN a format with share bounds WHEN a meeting starts THEN its round plan keeps the sharing rounds and their bounds', () => {
    const short = loadMeetingFormats().get('short')!;
    const format = { ...short, rounds: short.rounds.map((round) => (round.id === 'check-in' ? { ...round, shareMinutes: { min: 1, max: 2 } } : round)) };
    const state = startMeeting({ id: 'm', format, now: new Date(AT), chairId: null });
    expect(state.rounds[0]).toMatchObject({ id: 'check-in', turns: true, shareMinutes: { min: 1, max: 2 } });
    expect(state.rounds.at(-1)).not.toHaveProperty('turns');
  });
});

describe.each(BACKENDS)('voice meetings in the store, on $name', (backend) => {
  it('GIVEN a meeting stored by the release before voice meetings WHEN read THEN it reads as it was: a text-only meeting with plain rounds', async () => {
    const file = await storeFile(backend);
    await file.put(`guild:${GUILD}:meeting`, STORED_BEFORE_VOICE);
    const record = await new MeetingStore(file.store).get(GUILD);
    expect(file.reports).toEqual([]);
    expect(record?.state.rounds).toEqual(STORED_BEFORE_VOICE.state.rounds);
    expect(record?.voiceChannelId ?? null).toBeNull();
    expect(record?.turns ?? null).toBeNull();
    expect(record?.attendees).toEqual([BEA]);
  });

  it('GIVEN a voice meeting in a sharing round with its order and presence saved WHEN the file is reopened THEN it reads back the same', async () => {
    const file = await storeFile(backend);
    const format = loadMeetingFormats().get('short')!;
    const state = startMeeting({ id: 'meet-2', format, now: new Date(AT), chairId: ALEX });
    const base: MeetingRecord = { ...newMeetingRecord({ state, guildId: GUILD, channelId: 'c1', startedBy: ALEX }), voiceChannelId: 'v1', meetingNumber: 4 };
    const started = withTurnsStarted(base, { present: [ALEX, BEA, CAL], hands: [] }, false, new Date(AT))!;
    const record = withPresence(started, CAL, { inVoice: false, handRaised: false }, new Date(Date.parse(AT) + 1_000), 5 * 60_000);
    const meetings = new MeetingStore(file.store);
    await inRun(GUILD, (tx) => meetings.put(tx, record));
    expect(await new MeetingStore((await file.reopen()).store).get(GUILD)).toEqual(record);
    expect(record.turns?.queue.away.map((away) => away.memberId)).toEqual([CAL]);
  });
});
