import {
  ButtonStyle,
  ChannelType,
  ComponentType,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type Client,
  type TextChannel,
  type ThreadChannel,
} from 'discord.js';
import type { HelpRequest, Offer } from '../domain/requests/help-request.ts';
import { text } from '../texts/texts.ts';
import { z } from 'zod';
import { customIdCodec, idPart } from './custom-id.ts';
import { postNonce } from './nonce.ts';
import { NO_MENTIONS, quoteLines } from './reply.ts';

const onRequest = z.object({ requestId: idPart });

/** Custom ids of the buttons on request and offer messages (handled in commands/ask.ts and commands/offer.ts). */
export const HELP_IDS = {
  /** "I can help" on a request, and on the invitations to help after asking: `help-offer:<requestId>`. */
  offerButton: customIdCodec('help-offer', onRequest),
  /** "Close request": `help-close:<requestId>`. */
  close: customIdCodec('help-close', onRequest),
  /** "Add to this request", for an anonymous asker: `help-add:<requestId>`. */
  add: customIdCodec('help-add', onRequest),
  /** "This helped", on an offer: `help-helped:<requestId>:<offerId>`. */
  helped: customIdCodec('help-helped', z.object({ requestId: idPart, offerId: idPart })),
};

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

const THREAD_NAME_MAX = 100;

/**
 * The public post of a request. An anonymous request carries nothing about its asker: no mention,
 * no name, no avatar; the bot is the author of the message and of its thread.
 */
export function requestMessage(request: HelpRequest): { content: string; components: Row[] } {
  const heading = request.anonymous
    ? text('request.post.anonymous', { topic: request.topic })
    : text('request.post.named', { asker: `<@${request.askerId}>`, topic: request.topic });
  if (request.status === 'closed') return { content: `${heading}\n\n${text('request.post.closed')}`, components: [] };
  return {
    content: `${heading}\n\n${text('request.post.invite')}`,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Primary,
            label: text('request.button.offer'),
            custom_id: HELP_IDS.offerButton.encode({ requestId: request.id }),
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: text('request.button.close'),
            custom_id: HELP_IDS.close.encode({ requestId: request.id }),
          },
          // An anonymous asker who wrote in the thread would show their name: the bot posts for them.
          ...(request.anonymous
            ? [
                {
                  type: ComponentType.Button as const,
                  style: ButtonStyle.Secondary as const,
                  label: text('request.button.add'),
                  custom_id: HELP_IDS.add.encode({ requestId: request.id }),
                },
              ]
            : []),
        ],
      },
    ],
  };
}

export function offerMessage(request: HelpRequest, offer: Offer): { content: string; components: Row[] } {
  const lines = [text('offer.post', { giver: offer.giverId })];
  if (offer.message) lines.push(quoteLines(offer.message));
  if (offer.confirmed) lines.push(text('offer.post.helped'));
  const components: Row[] =
    offer.confirmed || request.status === 'closed'
      ? []
      : [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Success,
                label: text('offer.button.helped'),
                custom_id: HELP_IDS.helped.encode({ requestId: request.id, offerId: offer.id }),
              },
            ],
          },
        ];
  return { content: lines.join('\n'), components };
}

/**
 * Posts a new request in its channel and opens the thread where offers will appear. In a meeting's
 * thread (threads cannot hold threads) the offers follow in that same thread. The post carries a nonce
 * Discord enforces, so posting the same stored request again (after a crash, from the outbox) returns
 * the first post, and its thread is found rather than opened twice.
 */
export async function postRequest(client: Client, request: HelpRequest): Promise<{ messageId: string; threadId: string | null }> {
  const channel = await client.channels.fetch(request.channelId);
  const once = { nonce: postNonce('rq', request.id), enforceNonce: true };
  if (channel?.isThread()) {
    const message = await channel.send({ ...requestMessage(request), allowedMentions: NO_MENTIONS, ...once });
    return { messageId: message.id, threadId: null };
  }
  if (!channel || (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)) {
    throw new Error(`Channel ${request.channelId} is not a text channel the bot can post in`);
  }
  const message = await (channel as TextChannel).send({ ...requestMessage(request), allowedMentions: NO_MENTIONS, ...once });
  try {
    const thread = await message.startThread({
      name: text('request.thread', { topic: request.topic }).slice(0, THREAD_NAME_MAX),
      autoArchiveDuration: 10080,
    });
    return { messageId: message.id, threadId: thread.id };
  } catch (error) {
    // Already opened by the first attempt: a thread started from a message has the message's id.
    const existing = await client.channels.fetch(message.id).catch(() => null);
    if (existing?.isThread()) return { messageId: message.id, threadId: existing.id };
    throw error;
  }
}

/**
 * Posts an offer in the request's thread. A named asker is pinged there, and only them; an anonymous
 * asker cannot be pinged without being revealed, so they find offers in the thread.
 */
export async function postOffer(client: Client, request: HelpRequest, offer: Offer): Promise<string> {
  const target = await client.channels.fetch(request.threadId ?? request.channelId);
  const rendered = offerMessage(request, offer);
  const notify = request.anonymous ? '' : `${text('offer.post.notify', { asker: request.askerId })}\n`;
  const message = await (target as TextChannel | ThreadChannel).send({
    content: `${notify}${rendered.content}`,
    components: rendered.components,
    allowedMentions: { parse: [], users: request.anonymous ? [] : [request.askerId] },
    nonce: postNonce('of', offer.id),
    enforceNonce: true,
  });
  return message.id;
}

/**
 * Posts what an anonymous asker added (stored first, by `HelpService.addToRequest`), in the request's
 * thread, without any name. The post carries a nonce Discord enforces, so posting the same stored
 * addition again (after a crash, from the outbox) returns the first post instead of a second one.
 */
export async function postAddition(client: Client, request: HelpRequest, addition: { readonly id: string; readonly words: string }): Promise<string> {
  const target = (await client.channels.fetch(request.threadId ?? request.channelId)) as TextChannel | ThreadChannel;
  const quoted = quoteLines(addition.words);
  const message = await target.send({
    content: text('request.addition', { text: quoted }),
    allowedMentions: NO_MENTIONS,
    nonce: postNonce('ad', addition.id),
    enforceNonce: true,
  });
  return message.id;
}

/** Brings the request's post up to date (closed: no more buttons) and archives its thread. */
export async function refreshRequest(client: Client, request: HelpRequest): Promise<void> {
  if (!request.messageId) return;
  const channel = (await client.channels.fetch(request.channelId)) as TextChannel;
  await channel.messages.edit(request.messageId, { ...requestMessage(request), allowedMentions: NO_MENTIONS });
  if (request.status === 'closed' && request.threadId) {
    const thread = (await client.channels.fetch(request.threadId)) as ThreadChannel | null;
    await thread?.setArchived(true);
  }
}

export async function refreshOffer(client: Client, request: HelpRequest, offer: Offer): Promise<void> {
  if (!offer.messageId) return;
  const target = (await client.channels.fetch(request.threadId ?? request.channelId)) as TextChannel | ThreadChannel;
  await target.messages.edit(offer.messageId, { ...offerMessage(request, offer), allowedMentions: NO_MENTIONS });
}
