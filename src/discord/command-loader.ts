import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApplicationIntegrationType, InteractionContextType } from 'discord.js';
import { z } from 'zod';
import type { CommandModule } from './command.ts';

/** The shape a file in `commands/` must have; checked at start-up so a broken file names itself. */
const commandModuleShape = z.object({
  definition: z.object({ name: z.string().min(1), description: z.string().min(1) }).loose(),
  access: z.union([z.enum(['member', 'moderator', 'manager']), z.function()]),
  execute: z.function(),
  autocomplete: z.function().optional(),
  components: z
    .array(
      z
        .object({
          codec: z.object({ prefix: z.string().min(1), encode: z.function(), decode: z.function() }).loose(),
          access: z.string(),
          handle: z.function(),
        })
        .loose(),
    )
    .optional(),
});

/**
 * Every Helper Circle command works inside a server, installed to that server. Saying so explicitly
 * also matters for registration: Discord fills these in when absent, and the comparison with the
 * registered commands would otherwise see a difference on every start.
 */
function inServersOnly(command: CommandModule): CommandModule {
  // Exactly what goes over the wire: builders leave keys set to undefined (nsfw, ...), which the
  // comparison would read as "different from Discord's false".
  const definition = JSON.parse(JSON.stringify(command.definition)) as CommandModule['definition'];
  return {
    ...command,
    definition: {
      ...definition,
      contexts: definition.contexts ?? [InteractionContextType.Guild],
      integration_types: definition.integration_types ?? [ApplicationIntegrationType.GuildInstall],
    },
  };
}

const COMMAND_FILE = /^[a-z][a-z0-9-]*\.(ts|js)$/;

/** Loads every command file in `directory`, in name order. Throws naming the file that is wrong. */
export async function loadCommands(directory: string): Promise<CommandModule[]> {
  const files = (await readdir(directory)).filter((file) => COMMAND_FILE.test(file) && !file.endsWith('.d.ts')).sort();
  const commands: CommandModule[] = [];
  for (const file of files) {
    const module: unknown = await import(pathToFileURL(join(directory, file)).href);
    const parsed = commandModuleShape.safeParse(module);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'module'}: ${issue.message}`);
      throw new Error(`commands/${file} is not a valid command file (${problems.join('; ')})`);
    }
    commands.push(inServersOnly(module as CommandModule));
  }
  const names = commands.map((command) => command.definition.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`Two files in commands/ define /${duplicate}`);
  return commands;
}
