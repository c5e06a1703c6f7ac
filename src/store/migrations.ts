import type { CircleSettings } from '../domain/circle/circle-settings.ts';

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
