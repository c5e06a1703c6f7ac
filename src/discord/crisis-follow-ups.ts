import type { Client } from 'discord.js';
import type { Logger } from '../logging/logger.ts';
import type { SafetyService } from '../services/safety-service.ts';
import { postFollowUp } from './crisis-care.ts';

/**
 * Makes sure no crisis alert is left unanswered: an alert no moderator took within
 * `crisisFollowUpMinutes` is posted once more, once. Runs every minute and at start-up, so an alert
 * that fell due while the bot was down is followed up as soon as it is back; the follow-up is marked
 * pending before it is posted and carries a nonce, so a crash in between cannot post it twice.
 */
export class CrisisFollowUps {
  constructor(
    private readonly client: Client,
    private readonly safety: SafetyService,
    private readonly logger: Logger,
  ) {}

  async tick(): Promise<void> {
    for (const guildId of await this.safety.guildsWithAlerts()) {
      if (!this.client.guilds.cache.has(guildId)) continue;
      try {
        const due = await this.safety.claimDueFollowUps(guildId);
        if (due.length === 0) continue;
        const settings = await this.safety.settings(guildId);
        for (const alert of due) await postFollowUp(this.client, this.safety, guildId, alert, settings);
      } catch (error) {
        this.logger.error({ err: error, guildId }, 'could not follow up a crisis alert');
      }
    }
  }
}
