import { describe, expect, it } from 'vitest';
import { withAction, withCheckInPosted, withPendingCheckIn, withRating } from '../../../src/domain/meetings/meeting-record.ts';
import { withPresence, withTurnPress, withTurnsStarted } from '../../../src/domain/meetings/voice-turns.ts';
import { ANONYMOUS, buildExport, WITHHELD } from '../../../src/domain/privacy/export.ts';
import { meetingDataOf } from '../../../src/domain/privacy/member-data.ts';
import { newCrisisAlert } from '../../../src/domain/safety/crisis-alert.ts';
import { ANA, AT, BO, CY, ME, meeting, offer, offerEvent, openedEvent, request, source, task } from './fixtures.ts';

describe('the export names another member only as the other side of a help relation', () => {
  it("GIVEN an offer on the member's own request WHEN they export THEN the giver appears by id", () => {
    const exported = buildExport(source({ requests: [request(ME, { offers: [offer(ANA, true)] })] }));
    expect(exported.requests[0]?.offers).toEqual([expect.objectContaining({ giverId: ANA, confirmed: true })]);
  });

  it("GIVEN the member offered on another member's named request WHEN they export THEN the asker appears by id", () => {
    const exported = buildExport(source({ requests: [request(ANA, { offers: [offer(ME)] })] }));
    expect(exported.offersMade.map((made) => made.askedBy)).toEqual([ANA]);
  });

  it('GIVEN the member offered on an anonymous request WHEN they export THEN the asker reads "anonymous"', () => {
    const exported = buildExport(source({ requests: [request(ANA, { anonymous: true, offers: [offer(ME)] })] }));
    expect(exported.offersMade.map((made) => made.askedBy)).toEqual([ANONYMOUS]);
    expect(JSON.stringify(exported)).not.toContain(ANA);
  });

  it('GIVEN requests of other members the member never offered on WHEN they export THEN none of them is in it', () => {
    const exported = buildExport(source({ requests: [request(ANA, { offers: [offer(BO)] }), request(CY, { anonymous: true })] }));
    expect(exported).toMatchObject({ requests: [], offersMade: [] });
    expect(JSON.stringify(exported)).not.toMatch(new RegExp(`${ANA}|${BO}|${CY}`));
  });

  it('GIVEN ledger events between other members WHEN the member exports THEN only the events naming the member are in it', () => {
    const theirs = offerEvent(ANA, BO, 'r-bo');
    const mine = openedEvent(ME, 'r-me', false);
    expect(buildExport(source({ ledgerEvents: [theirs, mine] })).ledgerEvents).toEqual([mine]);
  });
});

describe('the other member of an offer in the ledger', () => {
  it('GIVEN the member offered on a request kept as named WHEN they export THEN the receiver appears by id', () => {
    const exported = buildExport(source({ requests: [request(ANA, { id: 'r1' })], ledgerEvents: [offerEvent(ME, ANA, 'r1')] }));
    expect(exported.ledgerEvents).toEqual([expect.objectContaining({ giverId: ME, receiverId: ANA })]);
  });

  it('GIVEN the member offered on a request kept as anonymous WHEN they export THEN the receiver reads "anonymous"', () => {
    const exported = buildExport(source({ requests: [request(ANA, { id: 'r1', anonymous: true })], ledgerEvents: [offerEvent(ME, ANA, 'r1')] }));
    expect(exported.ledgerEvents).toEqual([expect.objectContaining({ giverId: ME, receiverId: ANONYMOUS })]);
  });

  it('GIVEN the request is gone but its anonymous opening is still in the ledger WHEN the member exports THEN the receiver reads "anonymous"', () => {
    const exported = buildExport(source({ ledgerEvents: [openedEvent(ANA, 'r1', true), offerEvent(ME, ANA, 'r1')] }));
    expect(exported.ledgerEvents).toEqual([expect.objectContaining({ kind: 'offer-made', receiverId: ANONYMOUS })]);
  });

  it('GIVEN the request is gone but its named opening is still in the ledger WHEN the member exports THEN the receiver appears by id', () => {
    const exported = buildExport(source({ ledgerEvents: [openedEvent(ANA, 'r1', false), offerEvent(ME, ANA, 'r1')] }));
    expect(exported.ledgerEvents).toEqual([expect.objectContaining({ kind: 'offer-made', receiverId: ANA })]);
  });

  it('GIVEN neither the request nor its opening is kept WHEN the member exports THEN the receiver reads "withheld"', () => {
    const exported = buildExport(source({ ledgerEvents: [offerEvent(ME, ANA, 'r1')] }));
    expect(exported.ledgerEvents).toEqual([expect.objectContaining({ giverId: ME, receiverId: WITHHELD })]);
  });

  it('GIVEN the member asked anonymously and received an offer WHEN they export THEN they see their own id and the giver by id', () => {
    const exported = buildExport(source({ requests: [request(ME, { id: 'r1', anonymous: true })], ledgerEvents: [offerEvent(ANA, ME, 'r1')] }));
    expect(exported.ledgerEvents).toEqual([expect.objectContaining({ giverId: ANA, receiverId: ME })]);
  });

  it('GIVEN the kept request and its opening event disagree WHEN the member exports THEN the kept request decides', () => {
    const exported = buildExport(
      source({ requests: [request(ANA, { id: 'r1', anonymous: true })], ledgerEvents: [openedEvent(ANA, 'r1', false), offerEvent(ME, ANA, 'r1')] }),
    );
    expect(exported.ledgerEvents).toEqual([expect.objectContaining({ receiverId: ANONYMOUS })]);
  });
});

describe("the rest of the member's data in the export", () => {
  it('GIVEN a current task and earlier ones WHEN the member exports THEN the current one comes first', () => {
    const exported = buildExport(source({ tasks: { current: task(ME, 'Now'), history: [task(ME, 'Last week'), task(ME, 'Before')] } }));
    expect(exported.tasks.map((kept) => kept.text)).toEqual(['Now', 'Last week', 'Before']);
  });

  it('GIVEN a meeting the member checked in to and rated WHEN they export THEN it holds their part and their rating', () => {
    const record = withRating(withAction(meeting(ANA), ME, 'check-in'), { memberId: ME, score: 4, comment: 'Good' });
    const exported = buildExport(source({ meetings: { meeting: record, earlierPosts: [], chairVolunteers: [] } }));
    expect(exported.meetings).toEqual([
      {
        meetingId: 'm1',
        startedAt: record.state.startedAt,
        endedAt: null,
        tookPart: true,
        rating: { score: 4, comment: 'Good' },
        startedIt: false,
        chaired: false,
        invitedToChair: false,
      },
    ]);
  });

  it('GIVEN a meeting whose record does not name the member WHEN they export THEN it lists no meeting', () => {
    const exported = buildExport(source({ meetings: { meeting: withAction(meeting(ANA), BO, 'check-in'), earlierPosts: [], chairVolunteers: [] } }));
    expect(exported.meetings).toEqual([]);
  });

  it('GIVEN the member chaired a meeting WHEN they export THEN its opening post is listed as naming them as chair', () => {
    const exported = buildExport(source({ meetings: { meeting: meeting(ME), earlierPosts: [], chairVolunteers: [] } }));
    expect(exported.meetingPosts).toEqual([{ channelId: 'c1', messageId: 'op1', kind: 'names you as chair' }]);
  });

  it('GIVEN check-ins shared in earlier meetings for the member and for others WHEN the member exports THEN only theirs are listed, as check-ins', () => {
    const post = (memberId: string, messageId: string) => ({
      memberId,
      channelId: 'th0',
      messageId,
      action: 'delete' as const,
      meetingId: 'm0',
      at: '2026-05-01T18:00:00.000Z',
    });
    const exported = buildExport(source({ meetings: { meeting: undefined, earlierPosts: [post(ME, 'p1'), post(ANA, 'p2')], chairVolunteers: [] } }));
    expect(exported.meetingPosts).toEqual([{ channelId: 'th0', messageId: 'p1', kind: 'check-in' }]);
  });

  it("GIVEN the member is on the chairing rotation WHEN they export THEN their entry is in it, and no one else's", () => {
    const chairVolunteers = [
      { memberId: ANA, optedIn: true, lastChairedAt: null },
      { memberId: ME, optedIn: false, lastChairedAt: '2026-05-01T18:00:00.000Z' },
    ];
    const exported = buildExport(source({ meetings: { meeting: undefined, earlierPosts: [], chairVolunteers } }));
    expect(exported.chairRotation).toEqual({ optedIn: false, lastChairedAt: '2026-05-01T18:00:00.000Z' });
  });

  it('GIVEN the member stored choices WHEN they export THEN the choices are in it as stored, with when it was made', () => {
    const exported = buildExport(source({ preferences: { recordingPaused: true } }));
    expect(exported).toMatchObject({ preferences: { recordingPaused: true }, exportedAt: '2026-06-02T09:00:00.000Z', guildId: 'g1', memberId: ME });
  });

  it('GIVEN crisis alerts about the member and about someone else WHEN the member exports THEN theirs are listed with the words noticed, and not who took them', () => {
    const alert = (memberId: string, source: 'public-post' | 'check-in-request', terms: string[], takenBy: string | null) => ({
      ...newCrisisAlert(
        { id: `a-${memberId}-${source}`, source, memberId, anonymous: false, what: 'request', link: 'https://discord.com/channels/g1/c1/m1', terms },
        new Date('2026-05-01T18:00:00.000Z'),
      ),
      takenBy,
    });
    const exported = buildExport(
      source({
        crisisAlerts: [
          alert(ME, 'public-post', ['want to die'], 'mod-1'),
          alert(ME, 'check-in-request', [], null),
          alert(ANA, 'public-post', ['suicide'], null),
        ],
      }),
    );
    expect(exported.crisisAlerts).toEqual([
      { raisedAt: '2026-05-01T18:00:00.000Z', reason: 'crisis words in a public post', wordsNoticed: ['want to die'], taken: true },
      { raisedAt: '2026-05-01T18:00:00.000Z', reason: 'you asked a moderator to check in', wordsNoticed: [], taken: false },
    ]);
    expect(JSON.stringify(exported)).not.toContain('mod-1');
  });

  it('GIVEN an anonymous asker who added to their request WHEN they export THEN the additions are in it, with words still waiting to be posted', () => {
    const asked = {
      ...request(ME, { anonymous: true }),
      additions: [
        { id: 'x1', at: '2026-05-02T10:00:00.000Z', messageId: 'm9' },
        { id: 'x2', at: '2026-05-03T10:00:00.000Z', messageId: null, words: 'Still hard' },
      ],
    };
    expect(buildExport(source({ requests: [asked] })).requests[0]?.additions).toEqual([
      { at: '2026-05-02T10:00:00.000Z', messageId: 'm9', words: null },
      { at: '2026-05-03T10:00:00.000Z', messageId: null, words: 'Still hard' },
    ]);
  });
});

describe('shared check-ins stored but not yet posted', () => {
  /** A meeting where the member and Ana each shared a check-in the bot has not posted yet. */
  const waiting = () =>
    withPendingCheckIn(
      withPendingCheckIn(withAction(withAction(meeting(BO), ME, 'check-in'), ANA, 'check-in'), { id: 'p1', memberId: ME, words: 'A long week' }),
      { id: 'p2', memberId: ANA, words: 'Glad to be here' },
    );
  const records = (record: ReturnType<typeof meeting>) => ({ meeting: record, earlierPosts: [], chairVolunteers: [] });

  it("GIVEN the member's shared check-in is not posted yet WHEN they export THEN their words are in their meeting part, marked as not posted, and no one else's", () => {
    const exported = buildExport(source({ meetings: records(waiting()) }));
    expect(exported.meetings).toEqual([expect.objectContaining({ tookPart: true, checkInsNotYetPosted: [{ words: 'A long week', posted: false }] })]);
    expect(JSON.stringify(exported)).not.toContain('Glad to be here');
  });

  it('GIVEN the only thing the meeting record keeps about the member is a check-in not yet posted WHEN they export THEN the meeting is listed with it', () => {
    const record = withPendingCheckIn(meeting(BO), { id: 'p1', memberId: ME, words: 'Only words' });
    expect(buildExport(source({ meetings: records(record) })).meetings).toEqual([
      expect.objectContaining({ tookPart: false, checkInsNotYetPosted: [{ words: 'Only words', posted: false }] }),
    ]);
  });

  it('GIVEN the check-in was posted since WHEN the member exports THEN its words are gone and the post is listed instead', () => {
    const exported = buildExport(source({ meetings: records(withCheckInPosted(waiting(), 'p1', ME, 'post1')) }));
    expect(exported.meetings[0]).not.toHaveProperty('checkInsNotYetPosted');
    expect(JSON.stringify(exported)).not.toContain('A long week');
    expect(exported.meetingPosts).toContainEqual({ channelId: 'th1', messageId: 'post1', kind: 'check-in' });
  });

  it('GIVEN a check-in not yet posted WHEN /privacy show reads what the meeting keeps about the member THEN their part holds it', () => {
    expect(meetingDataOf(records(waiting()), ME).part?.checkInsNotYetPosted).toEqual([{ words: 'A long week', posted: false }]);
    expect(meetingDataOf(records(waiting()), CY).part).toBeNull();
  });
});

describe('the export holds what a voice meeting keeps about the member', () => {
  it('GIVEN the member is in voice, not yet counted as taking part, and passed their turn WHEN they export THEN it holds their time in voice and their turn', () => {
    const now = new Date(AT);
    const plain = meeting(ANA);
    const sharing = { ...plain, voiceChannelId: 'v1', state: { ...plain.state, rounds: plain.state.rounds.map((round) => ({ ...round, turns: true })) } };
    let record = withTurnsStarted(sharing, { present: [BO, ME], hands: [] }, false, now)!;
    record = withPresence(record, ME, { inVoice: true, handRaised: false }, now, 5 * 60_000);
    const passed = withTurnPress(record, 0, 'pass', { memberId: ME, isModerator: false }, now);
    if (!passed.ok) throw new Error(passed.error.kind);
    const exported = buildExport(source({ meetings: { meeting: passed.value, earlierPosts: [], chairVolunteers: [] } }));
    expect(exported.meetings).toEqual([
      expect.objectContaining({ tookPart: false, timeInVoice: { ms: 0, since: now.toISOString() }, speakingTurn: { turn: 'passed', laterUsed: false } }),
    ]);
  });

  it('GIVEN one member speaking and the next out of voice within their grace period WHEN each exports THEN it holds when their share began, and when they left', () => {
    const now = new Date(AT);
    const later = new Date(now.getTime() + 30_000);
    const plain = meeting(ANA);
    const sharing = { ...plain, voiceChannelId: 'v1', state: { ...plain.state, rounds: plain.state.rounds.map((round) => ({ ...round, turns: true })) } };
    const started = withTurnsStarted(sharing, { present: [BO, ME], hands: [] }, false, now)!;
    const speaker = started.turns!.queue.current!.memberId;
    const next = started.turns!.queue.waiting[0]!;
    const record = withPresence(started, next, { inVoice: false, handRaised: false }, later, 5 * 60_000);
    const records = { meeting: record, earlierPosts: [], chairVolunteers: [] };
    expect(meetingDataOf(records, speaker).part?.speakingTurn).toEqual({ turn: 'speaking', laterUsed: false, speakingSince: now.toISOString() });
    expect(meetingDataOf(records, next).part?.speakingTurn).toEqual({ turn: 'waiting', laterUsed: false, awaySince: later.toISOString() });
  });
});
