import {
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type GuildMember,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
  type PermissionsBitField,
} from 'discord.js';
import type { CircleSettings } from '../domain/circle/circle-settings.ts';
import { text } from '../texts/texts.ts';

/**
 * Who may use a command. Discord's default_member_permissions only hide a command, and server admins
 * can override them, so the bot checks again itself before acting.
 * - member: anyone in the server.
 * - moderator: the circle's moderator role, or Manage Events (organizers), or Manage Server.
 * - manager: Manage Server (changing the circle's set-up).
 */
export type Access = 'member' | 'moderator' | 'manager';

export interface Invoker {
  readonly permissions: Readonly<PermissionsBitField> | null;
  readonly roleIds: readonly string[];
}

/** Undefined when allowed; otherwise the plain-language reason to show. */
export function accessDenied(access: Access, invoker: Invoker, settings: CircleSettings | undefined): string | undefined {
  if (access === 'member') return undefined;
  const has = (flag: bigint) => invoker.permissions?.has(flag, true) ?? false;
  if (has(PermissionFlagsBits.ManageGuild)) return undefined;
  if (access === 'manager') return text('error.notManager');
  if (has(PermissionFlagsBits.ManageEvents)) return undefined;
  if (settings?.moderatorRoleId && invoker.roleIds.includes(settings.moderatorRoleId)) return undefined;
  return text('error.notModerator');
}

/** Who pressed or ran something, as the interaction tells it (its member's permissions and roles). */
export function invokerOf(interaction: ChatInputCommandInteraction | MessageComponentInteraction | ModalSubmitInteraction): Invoker {
  const member = interaction.member;
  const roleIds = !member ? [] : Array.isArray(member.roles) ? member.roles : [...(member as GuildMember).roles.cache.keys()];
  return { permissions: interaction.memberPermissions, roleIds };
}
