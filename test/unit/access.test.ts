import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { accessDenied } from '../../src/discord/access.ts';
import type { CircleSettings } from '../../src/domain/circle/circle-settings.ts';

const settings = { moderatorRoleId: 'mods' } as CircleSettings;
const member = (flags: bigint[], roleIds: string[] = []) => ({ permissions: new PermissionsBitField(flags), roleIds });

describe('who may do what', () => {
  it('GIVEN a plain member THEN member commands are open and moderator ones are refused in plain words', () => {
    expect(accessDenied('member', member([]), settings)).toBeUndefined();
    expect(accessDenied('moderator', member([]), settings)).toMatch(/moderators/);
    expect(accessDenied('manager', member([]), settings)).toMatch(/manage this server/);
  });

  it('GIVEN the moderator role THEN moderator commands are open but changing the set-up is not', () => {
    expect(accessDenied('moderator', member([], ['mods']), settings)).toBeUndefined();
    expect(accessDenied('manager', member([], ['mods']), settings)).toBeDefined();
  });

  it('GIVEN Manage Events THEN the member may steer meetings', () => {
    expect(accessDenied('moderator', member([PermissionFlagsBits.ManageEvents]), undefined)).toBeUndefined();
  });

  it('GIVEN Manage Server or Administrator THEN everything is open', () => {
    expect(accessDenied('manager', member([PermissionFlagsBits.ManageGuild]), undefined)).toBeUndefined();
    expect(accessDenied('manager', member([PermissionFlagsBits.Administrator]), undefined)).toBeUndefined();
  });
});
