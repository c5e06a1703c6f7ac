import { PermissionFlagsBits } from 'discord.js';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';

/**
 * One server on the sandbox as the end-to-end tests build it: a circle channel, a moderators' channel,
 * a manager role, a moderator role and a member role, and three people: a server manager (maya), a
 * moderator (omar) and a plain member (sam, without the member role).
 */
export interface CircleGuild {
  readonly guildId: string;
  readonly circleChannelId: string;
  readonly modChannelId: string;
  readonly moderatorRoleId: string;
  readonly memberRoleId: string;
  readonly managerId: string;
  readonly moderatorId: string;
  readonly memberId: string;
}

/** Builds a {@link CircleGuild} named `name`, on `shard` (`[id, count]`) when given. */
export function addCircleGuild(sandbox: Sandbox, name: string, shard?: readonly [number, number]): CircleGuild {
  const guild = sandbox.createGuild({ name, ownerUsername: 'owner', shard });
  const circle = sandbox.createChannel(guild.id, { name: 'circle' });
  const mods = sandbox.createChannel(guild.id, { name: 'mods' });
  const managerRole = sandbox.createRole(guild.id, { name: 'Admin', permissions: PermissionFlagsBits.ManageGuild });
  const moderatorRole = sandbox.createRole(guild.id, { name: 'Circle moderator' });
  const memberRole = sandbox.createRole(guild.id, { name: 'Circle member' });
  return {
    guildId: guild.id,
    circleChannelId: circle.id,
    modChannelId: mods.id,
    moderatorRoleId: moderatorRole.id,
    memberRoleId: memberRole.id,
    managerId: sandbox.addMember(guild.id, { username: 'maya', roles: [managerRole.id] }).user.id,
    moderatorId: sandbox.addMember(guild.id, { username: 'omar', roles: [moderatorRole.id] }).user.id,
    memberId: sandbox.addMember(guild.id, { username: 'sam' }).user.id,
  };
}
