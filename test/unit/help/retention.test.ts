import { describe, expect, it } from 'vitest';
import { expiredDays, isExpired } from '../../../src/domain/help/retention.ts';
import { opened } from './ledger-fixtures.ts';

const now = new Date('2026-06-28T12:00:00Z');

describe('retention', () => {
  it('GIVEN an event 181 days old and a 180-day retention THEN it has expired', () => {
    expect(isExpired(opened('ann', '2025-12-29T12:00:00Z'), now, 180)).toBe(true);
  });

  it('GIVEN an event exactly 180 days old THEN it is kept until it is older', () => {
    expect(isExpired(opened('ann', '2025-12-30T12:00:00Z'), now, 180)).toBe(false);
    expect(isExpired(opened('ann', '2025-12-30T11:59:59.999Z'), now, 180)).toBe(true);
  });

  it('GIVEN a recent event THEN it has not expired', () => {
    expect(isExpired(opened('ann', '2026-06-27T12:00:00Z'), now, 180)).toBe(false);
  });

  it('GIVEN an event whose time cannot be read THEN it is kept rather than deleted on a guess', () => {
    expect(isExpired(opened('ann', 'not a date'), now, 180)).toBe(false);
  });

  it('GIVEN daily buckets THEN only days wholly before the cutoff are expired', () => {
    // Cutoff: 2025-12-30T12:00Z. In UTC the 29th ends at the 30th 00:00, before the cutoff; the 30th straddles it.
    expect(expiredDays(['2025-12-28', '2025-12-29', '2025-12-30', '2026-06-01'], now, 180, 'UTC')).toEqual(['2025-12-28', '2025-12-29']);
  });

  it('GIVEN a zone ahead of UTC THEN the day boundary is local midnight', () => {
    // Cutoff 2025-12-30T00:00Z = 05:30 on the 30th in Kolkata: the 29th (ending 18:30Z on the 29th) is gone, the 30th is not.
    expect(expiredDays(['2025-12-29', '2025-12-30'], new Date('2026-06-28T00:00:00Z'), 180, 'Asia/Kolkata')).toEqual(['2025-12-29']);
  });

  it('GIVEN a zone behind UTC THEN a day that ends after the cutoff is kept', () => {
    // The 29th in New York ends at 05:00Z on the 30th, after a cutoff of 2025-12-30T00:00Z.
    expect(expiredDays(['2025-12-28', '2025-12-29'], new Date('2026-06-28T00:00:00Z'), 180, 'America/New_York')).toEqual(['2025-12-28']);
  });

  it('GIVEN a key that is not a date THEN it is never reported as expired', () => {
    expect(expiredDays(['garbage', '2020-13-01'], now, 180, 'UTC')).toEqual([]);
  });
});
