import { z } from 'zod';
import type { CrisisAlert } from '../domain/safety/crisis-alert.ts';
import { GuildDocument } from './guild-document.ts';
import type { GuildWriteQueue } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { ListRecord } from './stored-record.ts';

const storedAlert: z.ZodType<CrisisAlert> = z.object({
  id: z.string(),
  source: z.enum(['public-post', 'check-in-request']),
  memberId: z.string().nullable(),
  anonymous: z.boolean(),
  what: z.string(),
  link: z.string().nullable(),
  terms: z.array(z.string()),
  raisedAt: z.string(),
  channelId: z.string().nullable(),
  messageId: z.string().nullable(),
  takenBy: z.string().nullable(),
  takenAt: z.string().nullable(),
  followUp: z.enum(['none', 'pending', 'posted']),
  followUpMessageId: z.string().nullable(),
  redacted: z.boolean(),
});

/**
 * A guild's crisis alerts (`guild:<id>:crisis-alerts`), newest last, changed only in the guild's queue.
 * An alert that fails its schema is reported and left out; the others stay.
 */
export type CrisisAlertStore = GuildDocument<CrisisAlert[]>;

export function crisisAlertStore(store: Store, queue: GuildWriteQueue): CrisisAlertStore {
  return new GuildDocument(store, queue, 'crisis-alerts', new ListRecord(storedAlert));
}
