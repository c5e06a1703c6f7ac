import { describe, expect, it } from 'vitest';
import { moderatorCommentsMessages } from '../../../src/discord/meeting-posts.ts';
import type { MeetingFormat } from '../../../src/domain/meetings/format.ts';
import type { MeetingSummary } from '../../../src/domain/meetings/meeting-record.ts';

const format = { name: 'short', title: 'Short meeting', description: 'd', closingNote: 'bye', rounds: [] } as unknown as MeetingFormat;
const summary: MeetingSummary = {
  attendance: 12,
  requestsRaised: 3,
  requestsAnswered: 3,
  offersMade: 4,
  tasksCommitted: 5,
  tasksReported: 0,
  checkIns: 12,
  averageRating: 4.2,
  ratings: 12,
};

describe("the moderators' post of rating comments", () => {
  it('GIVEN a few short comments THEN one message holds the heading, the summary and each comment quoted', () => {
    const [only, ...more] = moderatorCommentsMessages(summary, format, '2026-06-01T18:00:00.000Z', ['Good', 'Kind\nand calm']);
    expect([
      more.length,
      only!.startsWith('**Rating comments from Short meeting, 2026-06-01**'),
      only!.includes('from 12 ratings'),
      only!.endsWith('> Good\n\n> Kind\n> and calm'),
    ]).toEqual([0, true, true, true]);
  });

  it('GIVEN twelve comments of 500 characters THEN they are split into messages of at most 2,000 characters, never inside a comment, all kept in order', () => {
    const comments = Array.from({ length: 12 }, (_, index) => `${String.fromCharCode(97 + index)}`.repeat(500));
    const messages = moderatorCommentsMessages(summary, format, '2026-06-01T18:00:00.000Z', comments);
    const quoted = messages.flatMap((message) => message.split('\n\n').filter((part) => part.startsWith('> ')));
    expect([messages.every((message) => message.length <= 2000), quoted]).toEqual([true, comments.map((comment) => `> ${comment}`)]);
  });
});
