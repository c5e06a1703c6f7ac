import type { ApplicationCommandManager, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

export type SyncOutcome = 'unchanged' | 'registered';

/**
 * Makes Discord's registered commands match ours, overwriting only when they differ: a needless
 * overwrite resets command permissions and counts against Discord's daily creation limit.
 * Guild-scoped when `guildId` is set (instant updates while developing), global otherwise.
 */
export async function syncCommands(
  manager: ApplicationCommandManager,
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
  guildId: string | undefined,
): Promise<SyncOutcome> {
  const registered = guildId ? await manager.fetch({ guildId }) : await manager.fetch();
  const same =
    registered.size === definitions.length &&
    definitions.every((definition) => {
      const existing = registered.find((command) => command.name === definition.name);
      // equals() reads raw API shapes too; our definitions are the raw body without id and version.
      return existing?.equals(definition as Parameters<typeof existing.equals>[0]);
    });
  if (same) return 'unchanged';
  if (guildId) await manager.set([...definitions], guildId);
  else await manager.set([...definitions]);
  return 'registered';
}
