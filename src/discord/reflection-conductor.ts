import type { Client, TextChannel } from 'discord.js';
import type { Logger } from '../logging/logger.ts';
import type { ReflectionService } from '../services/reflection-service.ts';
import { postNonce } from './nonce.ts';
import { reflectionReply } from './reflection-posts.ts';

/** How many reflections are drawn and posted at the same time. */
const REFLECTIONS_AT_ONCE = 2;

/**
 * Posts each circle's weekly reflection at its slot, once: the slot is claimed (stored) before the post,
 * and the post carries a nonce Discord enforces. Down at the slot, it posts late within 24 hours,
 * saying so; later than that, the week is skipped with a log line.
 */
export class ReflectionConductor {
  constructor(
    private readonly client: Client,
    private readonly reflections: ReflectionService,
    private readonly logger: Logger,
  ) {}

  /**
   * One pass over every circle (a job of the minute ticker). A few reflections at a time: charts are
   * costly to draw, and drawing thousands at once would post none of them until all were drawn, hold
   * every image in memory, and send the posts in bursts that Discord's rate limit refuses.
   */
  async tick(): Promise<void> {
    const due = await this.reflections.due();
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const slot = due[next++]!;
        try {
          if (!(await this.reflections.claim(slot.guildId, slot.key))) continue;
          if (slot.kind === 'missed') {
            this.logger.info({ guildId: slot.guildId, week: slot.key }, 'weekly reflection skipped: the bot was away for more than 24 hours after its time');
            continue;
          }
          await this.post(slot.guildId, slot.at, slot.late, slot.key);
        } catch (error) {
          this.logger.error({ err: error, guildId: slot.guildId }, 'weekly reflection failed');
        }
        // Let the event loop breathe (and free the last image) between reflections.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: Math.min(REFLECTIONS_AT_ONCE, due.length) }, worker));
  }

  /** Composes and posts the reflection of the week of `at` in the circle channel; `key` makes a retry idempotent. */
  async post(guildId: string, at: Date, late: boolean, key: string): Promise<string | null> {
    const composed = await this.reflections.compose(guildId, at);
    if (!composed.ok) return null;
    const { reflection, settings } = composed.value;
    const message = await reflectionReply(reflection, { timezone: settings.timezone, minActive: this.reflections.minActive, late });
    const channel = (await this.client.channels.fetch(settings.circleChannelId)) as TextChannel;
    await channel.send({
      content: message.content,
      files: message.files,
      allowedMentions: { parse: [] },
      nonce: postNonce('wr', key, guildId.slice(-8)),
      enforceNonce: true,
    });
    return settings.circleChannelId;
  }
}
