/** Channel routes: channels, messages (JSON or multipart with files) and threads. */
import { ApiError, Errors } from '../http.ts';
import { checkMessageBody } from '../limits.ts';
import { Permission } from '../permissions.ts';
import { buildMessage, editFields, isEmptyBody } from '../message-builder.ts';
import type { RouteDef, RouteRequest } from '../router.ts';
import { ChannelType, THREAD_TYPES, toWireMessage } from '../state.ts';
import type { SandboxCore } from '../core.ts';
import type { SandboxChannel, SandboxMessage } from '../types.ts';

const TEXT_CAPABLE: ReadonlySet<number> = new Set([0, 2, 5, 10, 11, 12, 13]);

/** Discord checks the bot's channel permissions: 50001 without View Channel, 50013 without `needed`. */
function requirePermissions(core: SandboxCore, channel: SandboxChannel, needed: bigint) {
  const perms = core.state.channelPermissions(channel.id, core.state.botUser.id);
  if (!(perms & Permission.ViewChannel)) throw Errors.missingAccess();
  if ((perms & needed) !== needed) throw Errors.missingPermissions();
}

function channelOf(core: SandboxCore, req: RouteRequest): SandboxChannel {
  const channel = core.state.channel(req.params.id!);
  if (!channel) throw Errors.unknownChannel();
  return channel;
}

function messageOf(core: SandboxCore, req: RouteRequest): SandboxMessage {
  const channel = channelOf(core, req);
  const message = core.state.messages.get(req.params.mid!);
  if (!message || message.channel_id !== channel.id) throw Errors.unknownMessage();
  return message;
}

/** Discord refuses to edit or delete messages in an archived thread (400 50083) until it is unarchived. */
function refuseIfArchived(core: SandboxCore, req: RouteRequest) {
  if (channelOf(core, req).thread_metadata?.archived) throw Errors.threadArchived();
}

function createMessage(req: RouteRequest, core: SandboxCore) {
  const channel = channelOf(core, req);
  if (!TEXT_CAPABLE.has(channel.type)) throw new ApiError(400, 50008, 'Cannot send messages in a non-text channel');
  const body = req.body ?? {};
  const inThread = THREAD_TYPES.has(channel.type);
  requirePermissions(
    core,
    channel,
    (inThread ? Permission.SendMessagesInThreads : Permission.SendMessages) |
      (req.files.length > 0 ? Permission.AttachFiles : 0n) |
      (Array.isArray(body.embeds) && body.embeds.length > 0 ? Permission.EmbedLinks : 0n),
  );
  // Discord: with enforce_nonce, a nonce seen recently in this channel returns the original message.
  if (body.enforce_nonce === true && body.nonce !== undefined && body.nonce !== null) {
    const original = core.state.messageForNonce(channel.id, body.nonce);
    if (original) return { body: toWireMessage(original) };
  }
  if (isEmptyBody(body, req.files)) throw Errors.emptyMessage();
  if (body.message_reference?.message_id && body.message_reference.fail_if_not_exists !== false) {
    if (!core.state.messages.has(body.message_reference.message_id)) {
      throw Errors.invalidFormBody({ message_reference: { _errors: [{ code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }] } });
    }
  }
  const message = buildMessage(core, {
    channelId: channel.id,
    guildId: channel.guild_id,
    author: core.state.botUser,
    body: { ...body, flags: Number(body.flags ?? 0) & ~64 }, // ephemeral only exists for interactions
    files: req.files,
  });
  core.state.addMessage(message, { enforceNonce: body.enforce_nonce === true });
  return { body: toWireMessage(message) };
}

function listMessages(req: RouteRequest, core: SandboxCore) {
  const channel = channelOf(core, req);
  const limit = Math.min(Math.max(Number(req.query.limit ?? 50) || 50, 1), 100);
  let list = core.state.channelMessageList(channel.id);
  const { before, after, around } = req.query;
  const big = (id: string) => BigInt(id);
  if (before) list = list.filter((m) => big(m.id) < big(before));
  if (after) list = list.filter((m) => big(m.id) > big(after));
  if (around) {
    const i = list.findIndex((m) => big(m.id) >= big(around));
    const start = Math.max(0, (i < 0 ? list.length : i) - Math.floor(limit / 2));
    list = list.slice(start, start + limit);
  }
  // Newest first, as Discord returns them; `after` pages are the oldest ones after the anchor.
  const page = after && !around ? list.slice(0, limit) : list.slice(-limit);
  return { body: page.reverse().map(toWireMessage) };
}

function createThread(core: SandboxCore, req: RouteRequest, fromMessage: boolean) {
  const parent = channelOf(core, req);
  if (THREAD_TYPES.has(parent.type)) throw new ApiError(400, 50024, 'Cannot execute action on this channel type');
  const body = req.body ?? {};
  let type = body.type;
  const isPrivate = !fromMessage && parent.type !== ChannelType.GuildForum && (body.type ?? ChannelType.PrivateThread) === ChannelType.PrivateThread;
  requirePermissions(core, parent, isPrivate ? Permission.CreatePrivateThreads : Permission.CreatePublicThreads);
  if (fromMessage) {
    const message = messageOf(core, req);
    if (message.thread) throw new ApiError(400, 160004, 'A thread has already been created for this message');
    type = parent.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread;
  } else if (parent.type === ChannelType.GuildForum) {
    type = ChannelType.PublicThread;
  }
  const thread = core.state.createThread(
    parent.id,
    {
      name: body.name,
      type: type ?? ChannelType.PrivateThread,
      auto_archive_duration: body.auto_archive_duration,
      invitable: body.invitable,
      rate_limit_per_user: body.rate_limit_per_user,
    },
    core.state.botUser.id,
    fromMessage ? req.params.mid : undefined,
  );
  // A forum post is a thread plus its starter message.
  if (parent.type === ChannelType.GuildForum && body.message) {
    const starter = buildMessage(core, { channelId: thread.id, guildId: thread.guild_id, author: core.state.botUser, body: body.message, files: req.files });
    core.state.addMessage({ ...starter, id: thread.id });
    return { status: 201, body: { ...thread, message: toWireMessage(core.state.messages.get(thread.id)!) } };
  }
  return { status: 201, body: thread };
}

function updateChannel(req: RouteRequest, core: SandboxCore) {
  const channel = channelOf(core, req);
  const body = req.body ?? {};
  for (const key of ['name', 'topic', 'rate_limit_per_user', 'nsfw', 'parent_id', 'position', 'permission_overwrites'] as const) {
    if (key in body) (channel as any)[key] = body[key];
  }
  if (channel.thread_metadata) {
    for (const key of ['archived', 'locked', 'auto_archive_duration', 'invitable'] as const) {
      if (key in body) (channel.thread_metadata as any)[key] = body[key];
    }
    if ('archived' in body) channel.thread_metadata.archive_timestamp = new Date().toISOString();
  }
  const copy = structuredClone(channel);
  core.state.dispatch(THREAD_TYPES.has(channel.type) ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', copy);
  return { body: copy };
}

export const channelRoutes: RouteDef[] = [
  { method: 'GET', path: '/channels/:id', handle: (req, core) => ({ body: structuredClone(channelOf(core, req)) }) },
  { method: 'PATCH', path: '/channels/:id', openapi: '/channels/{channel_id}', handle: updateChannel },
  { method: 'GET', path: '/channels/:id/messages', handle: listMessages },
  {
    method: 'POST',
    path: '/channels/:id/messages',
    openapi: '/channels/{channel_id}/messages',
    limits: (req) => checkMessageBody(req.body),
    handle: createMessage,
  },
  { method: 'GET', path: '/channels/:id/messages/:mid', handle: (req, core) => ({ body: toWireMessage(messageOf(core, req)) }) },
  {
    method: 'PATCH',
    path: '/channels/:id/messages/:mid',
    openapi: '/channels/{channel_id}/messages/{message_id}',
    limits: (req) => checkMessageBody(req.body),
    handle: (req, core) => {
      const message = messageOf(core, req);
      refuseIfArchived(core, req);
      if (message.author.id !== core.state.botUser.id || message.webhook_id) throw Errors.cannotEditOthersMessage();
      return { body: toWireMessage(core.state.updateMessage(message.id, editFields(core, message, req.body, req.files))) };
    },
  },
  {
    method: 'DELETE',
    path: '/channels/:id/messages/:mid',
    handle: (req, core) => {
      const message = messageOf(core, req);
      refuseIfArchived(core, req);
      core.state.deleteMessage(message.id);
      return { status: 204 };
    },
  },
  { method: 'POST', path: '/channels/:id/threads', openapi: '/channels/{channel_id}/threads', handle: (req, core) => createThread(core, req, false) },
  {
    method: 'POST',
    path: '/channels/:id/messages/:mid/threads',
    openapi: '/channels/{channel_id}/messages/{message_id}/threads',
    handle: (req, core) => createThread(core, req, true),
  },
  {
    method: 'PUT',
    path: '/channels/:id/thread-members/@me',
    handle: (req, core) => {
      channelOf(core, req);
      return { status: 204 };
    },
  },
  {
    method: 'PUT',
    path: '/channels/:id/thread-members/:uid',
    handle: (req, core) => {
      const thread = channelOf(core, req);
      if (!core.state.member(thread.guild_id, req.params.uid!)) throw Errors.unknownMember();
      thread.member_count = (thread.member_count ?? 0) + 1;
      return { status: 204 };
    },
  },
];
