import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type Client,
  type MessageMentionOptions,
  type TextChannel,
} from 'discord.js';
import { REMOVED_MEMBER } from '../domain/removed-member.ts';
import { resourceLinks, type CrisisAlert } from '../domain/safety/crisis-alert.ts';
import type { Logger } from '../logging/logger.ts';
import type { SafetyService, SafetySettings } from '../services/safety-service.ts';
import { text } from '../texts/texts.ts';
import { z } from 'zod';
import { customIdCodec, idPart } from './custom-id.ts';
import { postNonce } from './nonce.ts';
import { reply, type Outcome, type Reply } from './reply.ts';

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** Custom ids of crisis care's buttons (handled in commands/crisis.ts). */
export const CRISIS_IDS = {
  /** "Ask a moderator to check in with me". */
  askCheckIn: customIdCodec('crisis-check-in'),
  /** "Crisis resources": shows them privately (on a meeting's opening). */
  show: customIdCodec('crisis-show'),
  /** "I'm on it", on an alert: `crisis-take:<alertId>`. */
  take: customIdCodec('crisis-take', z.object({ alertId: idPart })),
};

const MESSAGE_MAX = 2000;

/** The circle's crisis resources, or the neutral default when unset or unreadable. */
export function resourcesText(settings: SafetySettings): string {
  return settings?.crisisResources ?? text('crisis.default');
}

/** Link buttons for every web address in the resources (so they are one tap away) and, if asked, the check-in button. */
export function careComponents(settings: SafetySettings, withCheckIn: boolean): Row[] {
  const links = resourceLinks(resourcesText(settings), withCheckIn ? 4 : 5).map((link) => ({
    type: ComponentType.Button as const,
    style: ButtonStyle.Link as const,
    label: link.label,
    url: link.url,
  }));
  const checkIn = withCheckIn
    ? [
        {
          type: ComponentType.Button as const,
          style: ButtonStyle.Primary as const,
          label: text('care.button.checkIn'),
          custom_id: CRISIS_IDS.askCheckIn.encode([]),
        },
      ]
    : [];
  const buttons = [...checkIn, ...links];
  return buttons.length === 0 ? [] : [{ type: ComponentType.ActionRow, components: buttons }];
}

/** Whether a member can ask for a check-in here: only when there is a moderators' channel to tell. */
export const canAskForCheckIn = (settings: SafetySettings) => Boolean(settings?.modChannelId);

/**
 * Crisis care for one interaction. A handler screens each text a member wrote, first, before anything
 * can fail; the router then puts the resources at the top of whatever the answer turns out to be
 * (success, a plain refusal, or an unexpected error), and replaces its buttons with the care buttons:
 * a crisis reply never carries invitations to help others.
 *
 * - Public words (posted where others read them): once posted, the handler calls {@link alertAboutPost};
 *   the moderators get a link, and the member is told so only if the alert was delivered.
 * - Private words, or public words whose post never happened: nothing reaches the moderators unless the
 *   member presses "Ask a moderator to check in with me".
 */
export class CrisisCare {
  private publicWords = false;
  private privateWords = false;
  private alert: 'none' | 'delivered' | 'failed' = 'none';
  private anonymousPost = false;

  constructor(
    private readonly deps: {
      readonly client: Client;
      readonly safety: SafetyService;
      readonly guildId: string | null;
      readonly memberId: string;
      readonly logger: Logger;
    },
  ) {}

  /** Screens what a member wrote; true when it calls for care. Call before anything that could fail. */
  screen(words: string | null | undefined, exposure: 'public' | 'private'): boolean {
    const found = this.deps.safety.screen(words).length > 0;
    if (found && exposure === 'public') this.publicWords = true;
    if (found && exposure === 'private') this.privateWords = true;
    return found;
  }

  get needed(): boolean {
    return this.publicWords || this.privateWords;
  }

  /**
   * After public words with crisis language were posted: alerts the moderators with a link to the
   * post (never the name of an anonymous writer). Never throws; the outcome shapes what the member is told.
   */
  async alertAboutPost(post: { what: string; words: string; channelId: string; messageId: string; anonymous: boolean }): Promise<void> {
    const { guildId, memberId } = this.deps;
    if (!guildId) return;
    const outcome = await alertAboutPublicWords(this.deps, guildId, { ...post, memberId });
    if (outcome === 'none') return;
    this.publicWords = true;
    this.anonymousPost = post.anonymous;
    this.alert = outcome;
  }

  /** Puts crisis care first in the member's answer, when their words called for it. Never throws. */
  async decorate(outcome: Outcome): Promise<Outcome> {
    if (!this.needed || outcome.kind === 'modal') return outcome;
    const settings = await this.deps.safety.settings(this.deps.guildId);
    // Public words that were never posted (Discord refused, the store failed) stayed private.
    const posted = this.alert !== 'none';
    const offerCheckIn = !posted && canAskForCheckIn(settings);
    const status = posted
      ? this.alert === 'delivered'
        ? text(this.anonymousPost ? 'care.alerted.anonymous' : 'care.alerted')
        : text('care.reachAPerson')
      : offerCheckIn
        ? text('care.privateWords')
        : text('care.reachAPerson');
    const care = [text('care.heading'), resourcesText(settings), `${status} ${text('care.notCounselling')}`].join('\n\n');
    const rest = outcome.reply.content ?? '';
    const room = MESSAGE_MAX - care.length - 2;
    const content = rest ? `${care}\n\n${rest.length <= room ? rest : `${rest.slice(0, Math.max(0, room - 1))}…`}` : care;
    const decorated: Reply = { ...outcome.reply, content, components: careComponents(settings, offerCheckIn), ephemeral: true };
    return reply(decorated);
  }
}

/** The link moderators follow from an alert. */
export function messageLink(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}

/** Who an alert pages: the crisis ping role when set, nobody otherwise; never anyone named in it. */
function alertMentions(settings: SafetySettings): MessageMentionOptions {
  return { parse: [], roles: settings?.crisisPingRoleId ? [settings.crisisPingRoleId] : [], users: [], repliedUser: false };
}

const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Who took an alert, or that a moderator did (one who has since deleted their data). */
export function takenLine(alert: CrisisAlert): string {
  const at = unix(alert.takenAt ?? alert.raisedAt);
  return alert.takenBy === REMOVED_MEMBER ? text('alert.takenByRemoved', { at }) : text('alert.taken', { moderator: alert.takenBy ?? '', at });
}

/** The alert as moderators see it: what happened, the guidance, who took it, and "I'm on it". */
export function alertMessage(alert: CrisisAlert, settings: SafetySettings): { content: string; components: Row[] } {
  if (alert.redacted) {
    const taken = alert.takenBy ? `\n${takenLine(alert)}` : '';
    return { content: `${text('alert.redacted', { at: unix(alert.raisedAt) })}${taken}`, components: [] };
  }
  const headline =
    alert.source === 'check-in-request'
      ? text('alert.checkIn', { member: alert.memberId ?? '' })
      : text('alert.public', {
          what: text(`alert.what.${alert.what}` as Parameters<typeof text>[0]),
          who: alert.anonymous ? text('alert.who.anonymous') : text('alert.who.named', { member: alert.memberId ?? '' }),
          link: alert.link ?? '',
          terms: alert.terms.join(', '),
        });
  const ping = settings?.crisisPingRoleId ? `<@&${settings.crisisPingRoleId}> ` : '';
  const state = alert.takenBy ? takenLine(alert) : text('alert.open');
  return {
    content: `${ping}${headline}\n\n${text('alert.guidance')}\n\n${state}`,
    components: alert.takenBy
      ? []
      : [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Success,
                label: text('alert.button.take'),
                custom_id: CRISIS_IDS.take.encode({ alertId: alert.id }),
              },
            ],
          },
        ],
  };
}

/**
 * Sends a stored alert to the moderators' channel and returns where, recording nothing; null when there
 * is no channel to send to. The nonce (`alert` + its id) makes a second send return the first post.
 */
export async function sendAlert(client: Client, alert: CrisisAlert, settings: SafetySettings): Promise<{ channelId: string; messageId: string } | null> {
  if (!settings?.modChannelId) return null;
  const channel = (await client.channels.fetch(settings.modChannelId)) as TextChannel | null;
  if (!channel?.isTextBased()) return null;
  const message = await channel.send({
    ...alertMessage(alert, settings),
    allowedMentions: alertMentions(settings),
    nonce: postNonce('alert', alert.id),
    enforceNonce: true,
  });
  return { channelId: channel.id, messageId: message.id };
}

/** Public words as they were posted: who wrote them (never shown when anonymous) and where they are. */
export interface PostedWords {
  readonly what: string;
  readonly words: string;
  readonly memberId: string;
  readonly channelId: string;
  readonly messageId: string;
  readonly anonymous: boolean;
}

/**
 * Public words that call for care, once posted: the moderators get an alert with a link to the post
 * (never the name of an anonymous writer). One alert per post, however often this runs for it (the
 * start-up outbox may post words whose first attempt was cut short). Never throws.
 */
export async function alertAboutPublicWords(
  deps: { readonly client: Client; readonly safety: SafetyService; readonly logger: Logger },
  guildId: string,
  post: PostedWords,
): Promise<'none' | 'delivered' | 'failed'> {
  const { client, safety, logger } = deps;
  const terms = safety.screen(post.words);
  if (terms.length === 0) return 'none';
  const settings = await safety.settings(guildId);
  if (!settings?.modChannelId) return 'failed';
  try {
    const alert = await safety.raise(guildId, {
      source: 'public-post',
      memberId: post.memberId,
      anonymous: post.anonymous,
      what: post.what,
      link: messageLink(guildId, post.channelId, post.messageId),
      terms,
    });
    if (alert.messageId !== null) return 'delivered';
    return (await deliverAlert(client, safety, guildId, alert, settings, logger)) ? 'delivered' : 'failed';
  } catch (error) {
    logger.error({ err: error }, 'could not raise a crisis alert');
    return 'failed';
  }
}

/**
 * Posts a stored alert in the moderators' channel (with a nonce, so a retry cannot post it twice) and
 * records where. True only when Discord took the post: the member is told "a moderator has been
 * alerted" on that alone.
 */
export async function deliverAlert(
  client: Client,
  safety: SafetyService,
  guildId: string,
  alert: CrisisAlert,
  settings: SafetySettings,
  logger: Logger,
): Promise<boolean> {
  try {
    const sent = await sendAlert(client, alert, settings);
    if (!sent) return false;
    await safety.delivered(guildId, alert.id, sent.channelId, sent.messageId);
    return true;
  } catch (error) {
    logger.error({ err: error, alertId: alert.id }, 'could not deliver a crisis alert');
    return false;
  }
}

/**
 * Start-up's outbox for crisis alerts: every alert raised but never delivered (the bot stopped between
 * storing and posting it), not redacted, and recent enough to still matter
 * (`UNDELIVERED_ALERT_MAX_AGE_MS`, 6 hours), is delivered now. Its post carries the same nonce as the
 * first attempt, so one that reached Discord before the stop comes back as that post, not a second one.
 * One that still fails stays for the next start (logged by ids). Returns how many were delivered.
 */
export async function deliverPendingAlerts(client: Client, safety: SafetyService, logger: Logger): Promise<number> {
  let delivered = 0;
  for (const guildId of await safety.guildsWithAlerts()) {
    if (!client.guilds.cache.has(guildId)) continue;
    const pending = await safety.undelivered(guildId);
    if (pending.length === 0) continue;
    const settings = await safety.settings(guildId);
    for (const alert of pending) {
      if (await deliverAlert(client, safety, guildId, alert, settings, logger)) delivered += 1;
    }
  }
  return delivered;
}

/** Posts an alert nobody took once more, pinging the crisis role again. */
export async function postFollowUp(client: Client, safety: SafetyService, guildId: string, alert: CrisisAlert, settings: SafetySettings): Promise<void> {
  if (!alert.channelId || !alert.messageId) return;
  const channel = (await client.channels.fetch(alert.channelId)) as TextChannel | null;
  if (!channel?.isTextBased()) return;
  const ping = settings?.crisisPingRoleId ? `<@&${settings.crisisPingRoleId}> ` : '';
  const message = await channel.send({
    content: `${ping}${text('alert.followUp', { at: unix(alert.raisedAt), link: messageLink(guildId, alert.channelId, alert.messageId) })}`,
    components: alertMessage(alert, settings).components,
    allowedMentions: alertMentions(settings),
    nonce: postNonce('follow', alert.id),
    enforceNonce: true,
  });
  await safety.followedUp(guildId, alert.id, message.id);
}

/** Brings an alert's posts (the alert and its follow-up) up to date after it was taken or redacted. */
export async function refreshAlertPosts(client: Client, alert: CrisisAlert, settings: SafetySettings, except?: string): Promise<void> {
  if (!alert.channelId) return;
  const channel = (await client.channels.fetch(alert.channelId)) as TextChannel | null;
  if (!channel?.isTextBased()) return;
  const rendered = alertMessage(alert, settings);
  if (alert.messageId && alert.messageId !== except) {
    await channel.messages.edit(alert.messageId, { content: rendered.content, components: rendered.components, allowedMentions: { parse: [] } });
  }
  if (alert.followUpMessageId && alert.followUpMessageId !== except) {
    const content = alert.redacted ? rendered.content : alert.takenBy ? takenLine(alert) : undefined;
    if (content) await channel.messages.edit(alert.followUpMessageId, { content, components: [], allowedMentions: { parse: [] } });
  }
}
