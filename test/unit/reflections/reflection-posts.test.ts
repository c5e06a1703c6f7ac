import { describe, expect, it } from 'vitest';
import { reflectionContent } from '../../../src/discord/reflection-posts.ts';
import { composeReflection, type WeeklyReflection } from '../../../src/domain/reflections/weekly-reflection.ts';
import { acted, inputFor, offered } from './fixtures.ts';

const WEEK = '2026-06-10T12:00:00.000Z';
const words = (reflection: WeeklyReflection) => reflectionContent(reflection, { timezone: 'Europe/London', minActive: 5, late: false });

/** A quiet, big enough week to start from: six members checked in to one meeting. */
const base = composeReflection(
  inputFor(
    WEEK,
    ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((id) => acted(id, 'm1', WEEK)),
  ),
);

describe('the reflection in words: plurals', () => {
  it('GIVEN one attendance from one member THEN both read in the singular', () => {
    expect(words({ ...base, meetings: { held: 1, attendances: 1, attendees: 1 } })).toContain('• Meetings: 1, with 1 attendance from 1 member.');
  });

  it('GIVEN six attendances from six members THEN both read in the plural', () => {
    expect(words(base)).toContain('• Meetings: 1, with 6 attendances from 6 members.');
  });

  it('GIVEN a few attendances THEN they read "a few attendances from a few members"', () => {
    expect(words({ ...base, meetings: { held: 1, attendances: 'few', attendees: 'few' } })).toContain(
      '• Meetings: 1, with a few attendances from a few members.',
    );
  });
});

describe('the reflection in words: no number that points at one person', () => {
  const small = composeReflection(inputFor(WEEK, [offered('ann', 'bob', '2026-06-09T10:00:00.000Z')], { openRequestsNow: 1 }));

  it('GIVEN a small week with one offer and one open request THEN they read "a few", with the invitation to look at open ones', () => {
    expect(words(small)).toContain('• Help requests: 0 raised, 0 answered, a few still open. If you can, have a look at the open ones with /offer.');
  });

  it('GIVEN a small week THEN the words say why small numbers read "a few"', () => {
    expect(words(small)).toContain('the balance stays private and small numbers read "a few", so no one stands out');
  });

  it('GIVEN type counts grouped as "a few" THEN the balance says "a few" for them and plain words for each way of taking part', () => {
    const balance = { shown: true as const, counts: { bidirectional: 0, provider: 'few' as const, receiver: 'few' as const, low: 6 }, change: null };
    expect(words({ ...base, balance })).toContain(
      '**Giving and receiving** (last 28 days): 0 gave and received, a few mostly gave, a few mostly received, 6 took part in other ways, such as meetings or asking for help.',
    );
  });

  it('GIVEN changes big enough to show THEN they read as more and fewer, without signs', () => {
    const balance = { shown: true as const, counts: { bidirectional: 5, provider: 0, receiver: 0, low: 6 }, change: { bidirectional: 5, low: -6 } };
    expect(words({ ...base, balance })).toContain('Since last week: 5 more gave and received, 6 fewer took part in other ways.');
  });

  it('GIVEN no change big enough to show THEN there is no line about last week', () => {
    const balance = { shown: true as const, counts: { bidirectional: 5, provider: 0, receiver: 0, low: 6 }, change: {} };
    expect(words({ ...base, balance })).not.toContain('Since last week');
  });

  it('GIVEN any reflection THEN nobody is called quieter', () => {
    const balance = { shown: true as const, counts: { bidirectional: 0, provider: 0, receiver: 0, low: 6 }, change: { low: 6 } };
    expect(words({ ...base, balance }).toLowerCase()).not.toContain('quiet');
  });
});
