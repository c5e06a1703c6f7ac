import { describe, expect, it } from 'vitest';
import type { MeetingFormat } from '../../../src/domain/meetings/format.ts';
import {
  commentsForModerators,
  newMeetingRecord,
  summarize,
  withAction,
  withCommentsSettled,
  withRating,
  type MeetingRating,
  type MeetingRecord,
} from '../../../src/domain/meetings/meeting-record.ts';
import { startMeeting } from '../../../src/domain/meetings/meeting-state.ts';

const format: MeetingFormat = {
  name: 'test',
  title: 'Test',
  description: 'd',
  closingNote: 'bye',
  rounds: [
    { id: 'close', title: 'Close', prompt: 'p', minutes: 5, actions: ['check-in', 'need-help', 'offer-help', 'commit-task', 'report-task', 'rate-meeting'] },
  ],
};

const blank = newMeetingRecord({
  state: startMeeting({ id: 'm1', format, now: new Date('2026-06-01T18:00:00.000Z'), chairId: 'chair' }),
  guildId: 'g',
  channelId: 'c',
  startedBy: 'chair',
});

/** A meeting where each of `members` checked in, and the first one also offered help and committed to a task. */
function meetingOf(members: readonly string[]): MeetingRecord {
  let record = blank;
  for (const member of members) record = withAction(record, member, 'check-in');
  record = withAction(withAction(record, members[0]!, 'offer-help'), members[0]!, 'commit-task');
  return { ...record, requestIds: ['rq1'] };
}

const rated = (record: MeetingRecord, ratings: ReadonlyArray<Omit<MeetingRating, 'comment'> & { comment?: string | null }>) =>
  ratings.reduce((current, rating) => withRating(current, { comment: null, ...rating }), record);

describe('the meeting summary never shows a number that points at one person', () => {
  it('GIVEN four taking part THEN one offer, one task, one need and its answer read "a few", and four stays exact', () => {
    const summary = summarize(meetingOf(['a', 'b', 'c', 'd']), new Set(['rq1']));
    expect(summary).toMatchObject({
      attendance: 4,
      requestsRaised: 'few',
      requestsAnswered: 'few',
      offersMade: 'few',
      tasksCommitted: 'few',
      tasksReported: 0,
      checkIns: 4,
    });
  });

  it('GIVEN two taking part THEN attendance itself reads "a few"', () => {
    expect(summarize(meetingOf(['a', 'b']), new Set()).attendance).toBe('few');
  });

  it('GIVEN five taking part THEN one offer is shown as 1', () => {
    expect(summarize(meetingOf(['a', 'b', 'c', 'd', 'e']), new Set()).offersMade).toBe(1);
  });

  it('GIVEN a threshold of six THEN five taking part is still a small group', () => {
    expect(summarize(meetingOf(['a', 'b', 'c', 'd', 'e']), new Set(), 6).offersMade).toBe('few');
  });

  it('GIVEN two ratings THEN no average is shown and the ratings read "a few"', () => {
    const summary = summarize(
      rated(meetingOf(['a', 'b', 'c', 'd', 'e']), [
        { memberId: 'a', score: 5 },
        { memberId: 'b', score: 2 },
      ]),
      new Set(),
    );
    expect([summary.averageRating, summary.ratings]).toEqual([null, 'few']);
  });

  it('GIVEN three ratings THEN their average and count are shown', () => {
    const summary = summarize(
      rated(meetingOf(['a', 'b', 'c']), [
        { memberId: 'a', score: 5 },
        { memberId: 'b', score: 4 },
        { memberId: 'c', score: 4 },
      ]),
      new Set(),
    );
    expect([summary.averageRating, summary.ratings]).toEqual([4.3, 3]);
  });

  it('GIVEN nobody rated THEN there is no average and no ratings', () => {
    const summary = summarize(meetingOf(['a', 'b', 'c']), new Set());
    expect([summary.averageRating, summary.ratings]).toEqual([null, 0]);
  });
});

describe('rating comments for the moderators', () => {
  const group = meetingOf(['a', 'b', 'c', 'd']);

  it('GIVEN three members rated with comments THEN the comments are given in alphabetical order, not the order people rated in', () => {
    const record = rated(group, [
      { memberId: 'a', score: 4, comment: 'Warm and calm' },
      { memberId: 'b', score: 5, comment: 'a bit long' },
      { memberId: 'c', score: 3, comment: 'More time for needs' },
    ]);
    expect(commentsForModerators(record)).toEqual(['a bit long', 'More time for needs', 'Warm and calm']);
  });

  it('GIVEN only two members rated THEN no comment is shared', () => {
    const record = rated(group, [
      { memberId: 'a', score: 4, comment: 'Warm and calm' },
      { memberId: 'b', score: 5, comment: 'Thanks' },
    ]);
    expect(commentsForModerators(record)).toBeNull();
  });

  it('GIVEN a withheld comment THEN it is never shared, and the others are', () => {
    const record = rated(group, [
      { memberId: 'a', score: 4, comment: 'Warm and calm' },
      { memberId: 'b', score: 2, comment: 'I am not safe', withheld: true },
      { memberId: 'c', score: 3, comment: null },
    ]);
    expect(commentsForModerators(record)).toEqual(['Warm and calm']);
  });

  it('GIVEN three ratings with empty or blank comments THEN there is nothing to share', () => {
    const record = rated(group, [
      { memberId: 'a', score: 4, comment: '   ' },
      { memberId: 'b', score: 5 },
      { memberId: 'c', score: 3, comment: '' },
    ]);
    expect(commentsForModerators(record)).toEqual([]);
  });

  it('GIVEN comments shared THEN nothing shared carries a member id', () => {
    const record = rated(group, [
      { memberId: 'a', score: 4, comment: 'x' },
      { memberId: 'b', score: 5, comment: 'y' },
      { memberId: 'c', score: 3, comment: 'z' },
    ]);
    expect(JSON.stringify(commentsForModerators(record))).not.toMatch(/"[abc]"/);
  });

  it('GIVEN the comments settled THEN every comment is forgotten, the scores stay and the outcome is stored', () => {
    const record = rated(group, [
      { memberId: 'a', score: 4, comment: 'Warm', withheld: true },
      { memberId: 'b', score: 5, comment: 'Kind' },
    ]);
    const settled = withCommentsSettled(record, 'not-shown');
    expect([settled.moderatorComments, settled.ratings]).toEqual([
      'not-shown',
      [
        { memberId: 'a', score: 4, comment: null },
        { memberId: 'b', score: 5, comment: null },
      ],
    ]);
  });
});
