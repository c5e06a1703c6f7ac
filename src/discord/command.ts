import type {
  ApplicationCommandOptionChoiceData,
  AutocompleteInteraction,
  Client,
  ChatInputCommandInteraction,
  MessageComponentInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Logger } from '../logging/logger.ts';
import type { Services } from '../services/services.ts';
import type { Access } from './access.ts';
import type { Conductors } from './conductors.ts';
import type { CrisisCare } from './crisis-care.ts';
import type { Outcome } from './reply.ts';

export interface HandlerContext {
  /** For posting beyond the answer itself (request posts, threads, alerts). */
  readonly client: Client;
  /** Meeting threads (`sync` after changing a meeting), schedules' events, reflections. */
  readonly conductors: Conductors;
  readonly guildId: string;
  readonly userId: string;
  readonly services: Services;
  readonly logger: Logger;
  /** Crisis care for this interaction: screen each text a member wrote, first (see CrisisCare). */
  readonly care: CrisisCare;
}

export interface CommandContext extends HandlerContext {
  readonly interaction: ChatInputCommandInteraction;
}

export interface AutocompleteContext extends HandlerContext {
  readonly interaction: AutocompleteInteraction;
}

export interface ComponentContext extends HandlerContext {
  readonly interaction: MessageComponentInteraction | ModalSubmitInteraction;
  /** The parts of the custom id after its prefix: `prefix:a:b` gives `['a', 'b']`. */
  readonly args: readonly string[];
}

export interface ComponentHandler {
  readonly access: Access;
  /** True when the handler edits the message the component sits on rather than answering apart. */
  readonly updatesMessage?: boolean;
  handle(context: ComponentContext): Promise<Outcome>;
}

/**
 * One file in `commands/` exports one of these, as in the discord.js guide: its definition and its
 * handlers. Handlers parse options, call a service and render; no business rules live there.
 */
export interface CommandModule {
  readonly definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Who may run it, per subcommand when it has some (re-checked by the router). */
  readonly access: Access | ((subcommand: string | null) => Access);
  execute(context: CommandContext): Promise<Outcome>;
  autocomplete?(context: AutocompleteContext): Promise<ApplicationCommandOptionChoiceData[]>;
  /** Buttons, selects and modals this command owns, keyed by custom-id prefix. */
  readonly components?: Readonly<Record<string, ComponentHandler>>;
}

/** Builds a custom id that the router will send back to `prefix`'s handler with `args`. */
export function customId(prefix: string, ...args: readonly string[]): string {
  const id = [prefix, ...args].join(':');
  if (id.length > 100) throw new Error(`custom id over Discord's 100 characters: ${prefix}`);
  return id;
}
