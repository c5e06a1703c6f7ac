import { z } from 'zod';
import type { CircleSettings } from '../domain/circle/circle-settings.ts';
import { WEEKDAYS } from '../domain/circle/time-of-day.ts';
import { GuildDocument } from './guild-document.ts';
import type { GuildWriteQueue } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';

const storedCircleSettings: z.ZodType<CircleSettings> = z.object({
  circleChannelId: z.string(),
  moderatorRoleId: z.string().nullable(),
  memberRoleId: z.string().nullable(),
  modChannelId: z.string().nullable(),
  timezone: z.string(),
  crisisResources: z.string().nullable(),
  // Added after the first release: settings stored before it read as "no ping role".
  crisisPingRoleId: z.string().nullable().default(null),
  reflectionDay: z.enum(WEEKDAYS),
  reflectionTime: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

export type CircleSettingsRepository = GuildDocument<CircleSettings>;

export function circleSettingsRepository(store: Store, queue: GuildWriteQueue): CircleSettingsRepository {
  return new GuildDocument(store, queue, 'circle-settings', storedCircleSettings);
}
