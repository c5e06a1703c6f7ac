import { describe, expect, it } from 'vitest';
import { REMOVED_MEMBER } from '../../../src/domain/removed-member.ts';
import { newCrisisAlert, redactMember, type CrisisAlert } from '../../../src/domain/safety/crisis-alert.ts';

const at = new Date('2026-05-01T18:00:00.000Z');
const alert = (id: string, memberId: string, takenBy: string | null): CrisisAlert => ({
  ...newCrisisAlert(
    { id, source: 'public-post', memberId, anonymous: false, what: 'request', link: 'https://discord.com/channels/g/c/m', terms: ['want to die'] },
    at,
  ),
  takenBy,
  takenAt: takenBy ? at.toISOString() : null,
});

describe('deleting a member from crisis alerts', () => {
  it('GIVEN an alert about the member THEN it keeps that it happened and was taken, without their id, link or words', () => {
    const { alerts, redacted } = redactMember([alert('a1', 'sam', 'omar')], 'sam');
    expect(alerts).toEqual([{ ...alert('a1', 'sam', 'omar'), memberId: null, link: null, terms: [], redacted: true }]);
    expect(redacted).toHaveLength(1);
  });

  it('GIVEN an alert the member took as a moderator THEN it keeps that it was taken, not by whom, and is not counted as about them', () => {
    const { alerts, redacted, unnamedTaker } = redactMember([alert('a1', 'sam', 'omar')], 'omar');
    expect(alerts[0]).toMatchObject({ memberId: 'sam', takenBy: REMOVED_MEMBER, redacted: false });
    expect(redacted).toEqual([]);
    expect(unnamedTaker).toHaveLength(1);
  });

  it('GIVEN alerts about others taken by others THEN nothing changes', () => {
    const before = [alert('a1', 'sam', 'omar')];
    const { alerts, redacted, unnamedTaker } = redactMember(before, 'maya');
    expect(alerts).toEqual(before);
    expect([...redacted, ...unnamedTaker]).toEqual([]);
  });
});
