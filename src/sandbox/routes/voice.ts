/**
 * Voice states: reading them, and Discord's stage moderation over REST. `PATCH
 * /guilds/:id/voice-states/:user` invites an audience member to speak (`suppress: false`) or moves a
 * speaker back (`suppress: true`); `@me` does the same for the bot and raises or lowers its hand.
 * Discord's rules: the channel must be a stage channel (400 50024) the user is connected to (404 10065
 * Unknown Voice State); another user's state needs Mute Members, as does unsuppressing oneself; a
 * raised hand needs Request to Speak. Suppressing oneself and lowering one's hand are always allowed.
 */
import { type ApiError, Errors } from '../http.ts';
import { Permission } from '../permissions.ts';
import type { RouteDef, RouteRequest } from '../router.ts';
import { ChannelType } from '../state.ts';
import type { SandboxCore } from '../core.ts';
import type { SandboxVoiceState } from '../types.ts';

/** discord.js stamps a raised hand with its own clock just before sending; allow for that. */
const PAST_TOLERANCE_MS = 10_000;

function guildId(core: SandboxCore, req: RouteRequest): string {
  const id = req.params.id!;
  if (!core.state.guilds.has(id)) throw Errors.unknownGuild();
  return id;
}

function fieldError(field: string, code: string, message: string): ApiError {
  return Errors.invalidFormBody({ [field]: { _errors: [{ code, message }] } });
}

function requireBot(core: SandboxCore, channelId: string, needed: bigint) {
  const perms = core.state.channelPermissions(channelId, core.state.botUser.id);
  if (!(perms & Permission.ViewChannel)) throw Errors.missingAccess();
  if ((perms & needed) !== needed) throw Errors.missingPermissions();
}

/** The stage channel named by the body (or, for `@me` without one, the bot's current channel), and the user's state in it. */
function stageState(core: SandboxCore, gid: string, userId: string, channelId: string | null | undefined): SandboxVoiceState {
  const current = core.state.voiceState(gid, userId);
  const id = channelId ?? current?.channel_id;
  if (!id) throw Errors.unknownVoiceState();
  const channel = core.state.channel(id);
  if (!channel || channel.guild_id !== gid) throw Errors.unknownChannel();
  if (channel.type !== ChannelType.GuildStageVoice) throw Errors.wrongChannelType();
  if (!current || current.channel_id !== id) throw Errors.unknownVoiceState();
  return current;
}

function getState(req: RouteRequest, core: SandboxCore, userId: string) {
  const state = core.state.voiceState(guildId(core, req), userId);
  if (!state) throw Errors.unknownVoiceState();
  const member = core.state.member(state.guild_id, userId);
  return { body: { ...structuredClone(state), ...(member ? { member: structuredClone(member) } : {}) } };
}

export const voiceRoutes: RouteDef[] = [
  { method: 'GET', path: '/guilds/:id/voice-states/@me', handle: (req, core) => getState(req, core, core.state.botUser.id) },
  { method: 'GET', path: '/guilds/:id/voice-states/:uid', handle: (req, core) => getState(req, core, req.params.uid!) },
  {
    method: 'PATCH',
    path: '/guilds/:id/voice-states/:uid',
    openapi: '/guilds/{guild_id}/voice-states/{user_id}',
    handle: (req, core) => {
      const gid = guildId(core, req);
      const body = req.body ?? {};
      if (typeof body.channel_id !== 'string') throw fieldError('channel_id', 'BASE_TYPE_REQUIRED', 'This field is required');
      const userId = req.params.uid!;
      // Checked in Discord's order: the channel, the bot's permission, then the user's presence there.
      const channel = core.state.channel(body.channel_id);
      if (!channel || channel.guild_id !== gid) throw Errors.unknownChannel();
      if (channel.type !== ChannelType.GuildStageVoice) throw Errors.wrongChannelType();
      requireBot(core, channel.id, Permission.MuteMembers);
      stageState(core, gid, userId, body.channel_id);
      if (typeof body.suppress === 'boolean') {
        const user = core.state.users.get(userId);
        // Discord: unsuppressed non-bot users lose their raised hand.
        const hand = body.suppress === false && !user?.bot ? { request_to_speak_timestamp: null } : {};
        core.state.updateVoiceState(gid, userId, { suppress: body.suppress, ...hand });
      }
      return { status: 204 };
    },
  },
  {
    method: 'PATCH',
    path: '/guilds/:id/voice-states/@me',
    openapi: '/guilds/{guild_id}/voice-states/@me',
    handle: (req, core) => {
      const gid = guildId(core, req);
      const body = req.body ?? {};
      const botId = core.state.botUser.id;
      const state = stageState(core, gid, botId, body.channel_id);
      const hand = body.request_to_speak_timestamp;
      if (body.suppress === false) requireBot(core, state.channel_id, Permission.MuteMembers);
      if (typeof hand === 'string') {
        requireBot(core, state.channel_id, Permission.RequestToSpeak);
        if (Date.parse(hand) < Date.now() - PAST_TOLERANCE_MS) {
          throw fieldError('request_to_speak_timestamp', 'BASE_TYPE_BAD_TIME', 'The time must be now or in the future');
        }
      }
      const change: { suppress?: boolean; request_to_speak_timestamp?: string | null } = {};
      if (typeof body.suppress === 'boolean') change.suppress = body.suppress;
      if (hand !== undefined) change.request_to_speak_timestamp = hand === null ? null : new Date(Date.parse(hand)).toISOString();
      if (Object.keys(change).length > 0) core.state.updateVoiceState(gid, botId, change);
      return { status: 204 };
    },
  },
];
