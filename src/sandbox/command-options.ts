/**
 * Chat-input command data as Discord's client builds it: options typed after the REGISTERED
 * definition, `resolved` users/members/roles/channels filled in, and the checks the client makes
 * before it sends anything (required options, choices, lengths, ranges, channel types).
 */
import type { SandboxState } from './state.ts';
import { THREAD_TYPES } from './state.ts';

export const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

export interface SlashCommandInput {
  guildId: string;
  channelId: string;
  userId: string;
  name: string;
  subcommand?: string;
  subcommandGroup?: string;
  options?: Record<string, string | number | boolean>;
}

type Resolved = Record<string, Record<string, unknown>>;

export function fullName(input: SlashCommandInput): string {
  return [input.name, input.subcommandGroup, input.subcommand].filter(Boolean).join(' ');
}

function findCommand(state: SandboxState, guildId: string, name: string): any {
  const match = (list: any[] | undefined) => list?.find((c) => c.name === name && (c.type ?? 1) === 1);
  const cmd = match(state.guildCommands.get(guildId)) ?? match(state.globalCommands);
  if (!cmd) {
    const known = [...(state.guildCommands.get(guildId) ?? []), ...state.globalCommands].map((c) => c.name);
    throw new Error(`No registered chat command /${name} (registered: ${known.join(', ') || 'none'}). Did the bot PUT its commands?`);
  }
  return cmd;
}

/** `data` of an INTERACTION_CREATE for a chat-input command or, with `focused`, its autocomplete. */
export function commandData(state: SandboxState, input: SlashCommandInput, focused: string | undefined): { command: any; data: any } {
  const cmd = findCommand(state, input.guildId, input.name);
  const topDefs: any[] = cmd.options ?? [];
  const hasSubs = topDefs.some((o) => o.type === OptionType.Subcommand || o.type === OptionType.SubcommandGroup);
  let leafDefs = topDefs;
  const wrap: Array<(inner: any[]) => any[]> = [];
  if (input.subcommandGroup) {
    const group = topDefs.find((o) => o.type === OptionType.SubcommandGroup && o.name === input.subcommandGroup);
    if (!group) throw new Error(`/${input.name} has no subcommand group ${input.subcommandGroup}`);
    if (!input.subcommand) throw new Error(`/${input.name} ${input.subcommandGroup} needs a subcommand`);
    const sub = (group.options ?? []).find((o: any) => o.type === OptionType.Subcommand && o.name === input.subcommand);
    if (!sub) throw new Error(`/${input.name} ${input.subcommandGroup} has no subcommand ${input.subcommand}`);
    leafDefs = sub.options ?? [];
    wrap.push((inner) => [{ name: group.name, type: OptionType.SubcommandGroup, options: [{ name: sub.name, type: OptionType.Subcommand, options: inner }] }]);
  } else if (input.subcommand) {
    const sub = topDefs.find((o) => o.type === OptionType.Subcommand && o.name === input.subcommand);
    if (!sub) throw new Error(`/${input.name} has no subcommand ${input.subcommand}`);
    leafDefs = sub.options ?? [];
    wrap.push((inner) => [{ name: sub.name, type: OptionType.Subcommand, options: inner }]);
  } else if (hasSubs) {
    throw new Error(`/${input.name} needs a subcommand (one of ${topDefs.map((o) => o.name).join(', ')})`);
  }

  const given = { ...(input.options ?? {}) };
  if (focused !== undefined) {
    const def = leafDefs.find((o) => o.name === focused);
    if (!def) throw new Error(`/${fullName(input)} has no option ${focused}`);
    if (!def.autocomplete) throw new Error(`Option ${focused} of /${fullName(input)} does not use autocomplete`);
    given[focused] ??= '';
  }
  const resolved: Resolved = {};
  const options: any[] = [];
  for (const [name, raw] of Object.entries(given)) {
    const def = leafDefs.find((o) => o.name === name);
    if (!def) throw new Error(`/${fullName(input)} has no option ${name} (options: ${leafDefs.map((o) => o.name).join(', ') || 'none'})`);
    if (name === focused) {
      // The member is still typing: Discord sends the partial text as a string, unchecked.
      options.push({ name, type: def.type, value: String(raw), focused: true });
      continue;
    }
    options.push({ name, type: def.type, value: optionValue(state, def, raw, input, resolved) });
  }
  if (focused === undefined) {
    const missing = leafDefs.filter((o) => o.required && !(o.name in given)).map((o) => o.name);
    if (missing.length > 0) throw new Error(`/${fullName(input)} is missing required option(s): ${missing.join(', ')}`);
  }
  const nested = wrap.length > 0 ? wrap[0]!(options) : options;
  const data: Record<string, unknown> = { id: cmd.id, name: cmd.name, type: 1 };
  if (nested.length > 0) data.options = nested;
  if (Object.keys(resolved).length > 0) data.resolved = resolved;
  if (cmd.guild_id) data.guild_id = cmd.guild_id;
  return { command: cmd, data };
}

/** Converts and checks a value the way Discord's client does before sending it. */
function optionValue(state: SandboxState, def: any, raw: string | number | boolean, input: SlashCommandInput, resolved: Resolved): unknown {
  const where = `option ${def.name} of /${fullName(input)}`;
  let value: unknown;
  switch (def.type) {
    case OptionType.String: {
      value = String(raw);
      const len = [...(value as string)].length;
      if (def.min_length !== undefined && len < def.min_length) throw new Error(`${where} must be at least ${def.min_length} characters`);
      if (def.max_length !== undefined && len > def.max_length) throw new Error(`${where} must be at most ${def.max_length} characters`);
      break;
    }
    case OptionType.Integer:
    case OptionType.Number: {
      const n = typeof raw === 'number' ? raw : Number(raw);
      if (typeof raw === 'boolean' || !Number.isFinite(n) || (def.type === OptionType.Integer && !Number.isInteger(n))) {
        throw new Error(`${where} must be ${def.type === OptionType.Integer ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`);
      }
      if (def.min_value !== undefined && n < def.min_value) throw new Error(`${where} must be ≥ ${def.min_value}`);
      if (def.max_value !== undefined && n > def.max_value) throw new Error(`${where} must be ≤ ${def.max_value}`);
      value = n;
      break;
    }
    case OptionType.Boolean:
      if (typeof raw === 'boolean') value = raw;
      else if (raw === 'true' || raw === 'false') value = raw === 'true';
      else throw new Error(`${where} must be a boolean`);
      break;
    case OptionType.User:
      value = String(raw);
      resolveUser(state, input.guildId, input.channelId, value as string, resolved, where);
      break;
    case OptionType.Role:
      value = String(raw);
      resolveRole(state, input.guildId, value as string, resolved, where);
      break;
    case OptionType.Mentionable: {
      value = String(raw);
      if (state.guildRecord(input.guildId).roles.has(value as string)) resolveRole(state, input.guildId, value as string, resolved, where);
      else resolveUser(state, input.guildId, input.channelId, value as string, resolved, where);
      break;
    }
    case OptionType.Channel: {
      value = String(raw);
      const ch = resolveChannel(state, input.guildId, input.userId, value as string, resolved, where);
      if (Array.isArray(def.channel_types) && def.channel_types.length > 0 && !def.channel_types.includes(ch.type)) {
        throw new Error(`${where} only accepts channel types ${def.channel_types.join(', ')}, got ${ch.type}`);
      }
      break;
    }
    default:
      throw new Error(`${where}: option type ${def.type} is not supported by the sandbox`);
  }
  if (Array.isArray(def.choices) && def.choices.length > 0 && !def.choices.some((c: any) => c.value === value)) {
    throw new Error(`${where} must be one of ${def.choices.map((c: any) => JSON.stringify(c.value)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function resolveUser(state: SandboxState, guildId: string, channelId: string, userId: string, resolved: Resolved, where: string) {
  const user = state.users.get(userId);
  if (!user) throw new Error(`${where}: unknown user ${userId}`);
  resolved.users ??= {};
  resolved.users[userId] = structuredClone(user);
  const member = state.member(guildId, userId);
  if (member) {
    const { user: _u, ...rest } = structuredClone(member);
    resolved.members ??= {};
    resolved.members[userId] = { ...rest, permissions: state.channelPermissions(channelId, userId).toString() };
  }
}

function resolveRole(state: SandboxState, guildId: string, roleId: string, resolved: Resolved, where: string) {
  const role = state.guildRecord(guildId).roles.get(roleId);
  if (!role) throw new Error(`${where}: unknown role ${roleId}`);
  resolved.roles ??= {};
  resolved.roles[roleId] = structuredClone(role);
}

function resolveChannel(state: SandboxState, guildId: string, userId: string, channelId: string, resolved: Resolved, where: string) {
  const ch = state.channel(channelId);
  if (!ch || ch.guild_id !== guildId) throw new Error(`${where}: unknown channel ${channelId}`);
  resolved.channels ??= {};
  resolved.channels[channelId] = {
    id: ch.id,
    name: ch.name,
    type: ch.type,
    permissions: state.channelPermissions(channelId, userId).toString(),
    flags: ch.flags,
    ...(ch.parent_id ? { parent_id: ch.parent_id } : {}),
    ...(THREAD_TYPES.has(ch.type) ? { thread_metadata: structuredClone(ch.thread_metadata) } : {}),
  };
  return ch;
}

/** `resolved` of a user (5), role (6), mentionable (7) or channel (8) select, as seen by `userId`. */
export function resolveSelectValues(state: SandboxState, type: number, guildId: string, channelId: string, userId: string, values: string[]) {
  const resolved: Resolved = {};
  const g = state.guildRecord(guildId);
  for (const v of values) {
    const where = `select value ${v}`;
    if (type === 5) resolveUser(state, guildId, channelId, v, resolved, where);
    else if (type === 6) resolveRole(state, guildId, v, resolved, where);
    else if (type === 8) resolveChannel(state, guildId, userId, v, resolved, where);
    else if (g.roles.has(v)) resolveRole(state, guildId, v, resolved, where);
    else resolveUser(state, guildId, channelId, v, resolved, where);
  }
  return resolved;
}
