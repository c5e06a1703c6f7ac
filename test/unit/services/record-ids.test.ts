import { describe, expect, it } from 'vitest';
import { newRecordId } from '../../../src/services/record-ids.ts';

describe('ids of the records services create', () => {
  it('GIVEN many ids drawn, across several refills of the random pool THEN each is 6 random bytes in base64url and none repeats', () => {
    const ids = Array.from({ length: 5_000 }, () => newRecordId());
    expect(ids.every((id) => /^[A-Za-z0-9_-]{8}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
