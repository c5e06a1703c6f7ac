import type { CircleSettings } from '../domain/circle/circle-settings.ts';
import type { MemberTally } from '../domain/help/tally.ts';

/**
 * Migrations between stored record versions: pure functions, one per step, each taking a record as its
 * version's schema reads it and returning the next version. They never touch the store, so each is
 * tested on its own; the store applies them as it reads (see `VersionedRecord`) and at start-up
 * (`upgradeStoredRecords`).
 */

/** Circle settings as releases before versioned records wrote them: the crisis ping role came later. */
export type CircleSettingsV1 = Omit<CircleSettings, 'crisisPingRoleId'> & { readonly crisisPingRoleId?: string | null | undefined };

/** v1 -> v2: settings saved before the crisis ping role existed page nobody, as they did then. */
export function circleSettingsV1toV2(v1: CircleSettingsV1): CircleSettings {
  return { ...v1, crisisPingRoleId: v1.crisisPingRoleId ?? null };
}

/** A ledger day's tallies as releases before versioned records wrote them: member id -> tally. */
export type DayTalliesV1 = Readonly<Record<string, MemberTally>>;

/** How many counts a stored tally row holds, in {@link TALLY_FIELDS} order. */
export const TALLY_FIELDS = ['given', 'received', 'requests', 'confirmedGiven', 'confirmedReceived'] as const;
export type TallyRow = readonly [number, number, number, number, number];

/**
 * A ledger day's tallies since version 2: how many chunks hold the day's events (chunk 0 is
 * `ledger:<day>`, chunk n is `ledger:<day>:<n>`), and each member's counts as a row of five numbers
 * (the member id is the key, not repeated inside, which halves what /stats reads).
 */
export interface DayTalliesV2 {
  readonly chunks: number;
  readonly members: Readonly<Record<string, TallyRow>>;
}

export const tallyRow = (tally: MemberTally): TallyRow => [tally.given, tally.received, tally.requests, tally.confirmedGiven, tally.confirmedReceived];

/**
 * v1 -> v2: a day written whole under `ledger:<day>` is exactly chunk 0 of the chunked layout, so its
 * events stay where they are and the next append starts chunk 1.
 */
export function dayTalliesV1toV2(v1: DayTalliesV1): DayTalliesV2 {
  return { chunks: 1, members: Object.fromEntries(Object.entries(v1).map(([memberId, tally]) => [memberId, tallyRow(tally)])) };
}
