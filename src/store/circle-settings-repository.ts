import { z } from 'zod';
import type { CircleSettings } from '../domain/circle/circle-settings.ts';
import { WEEKDAYS } from '../domain/circle/time-of-day.ts';
import { GuildDocument } from './guild-document.ts';
import type { GuildWriteQueue } from './guild-write-queue.ts';
import { circleSettingsV1toV2, type CircleSettingsV1 } from './migrations.ts';
import type { Store } from './sqlite-store.ts';
import { olderVersion, VersionedRecord } from './stored-record.ts';

const settingsFields = {
  circleChannelId: z.string(),
  moderatorRoleId: z.string().nullable(),
  memberRoleId: z.string().nullable(),
  modChannelId: z.string().nullable(),
  timezone: z.string(),
  crisisResources: z.string().nullable(),
  crisisPingRoleId: z.string().nullable(),
  reflectionDay: z.enum(WEEKDAYS),
  reflectionTime: z.string(),
  // Optional: settings saved before voice meetings have none.
  voiceChannelId: z.string().nullable().optional(),
  updatedAt: z.string(),
  updatedBy: z.string(),
};

/** Version 1: no `v`; settings saved before the crisis ping role existed have no `crisisPingRoleId`. */
const settingsV1: z.ZodType<CircleSettingsV1> = z.object({ ...settingsFields, crisisPingRoleId: z.string().nullable().optional() });

/** `guild:<id>:circle-settings`, version 2: `{ "v": 2, ...settings }`. */
export const circleSettingsRecord = new VersionedRecord<CircleSettings>(z.object(settingsFields), [olderVersion(settingsV1, circleSettingsV1toV2)]);

export type CircleSettingsRepository = GuildDocument<CircleSettings>;

export function circleSettingsRepository(store: Store, queue: GuildWriteQueue): CircleSettingsRepository {
  return new GuildDocument(store, queue, 'circle-settings', circleSettingsRecord);
}
