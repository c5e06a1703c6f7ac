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
import type { CrisisCare } from './crisis-care.ts';
import type { CustomIdCodec } from './custom-id.ts';
import type { Outcome } from './reply.ts';

export interface HandlerContext {
  /** For posting beyond the answer itself (request posts, threads, alerts). */
  readonly client: Client;
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

export interface ComponentContext<Args = unknown> extends HandlerContext {
  readonly interaction: MessageComponentInteraction | ModalSubmitInteraction;
  /** The custom id's parts after its prefix, decoded by the handler's codec. */
  readonly args: Args;
}

export interface ComponentHandler<Args = unknown> {
  /** Reads (and builds) the custom ids this handler answers: its prefix and typed parts. */
  readonly codec: CustomIdCodec<Args>;
  readonly access: Access;
  /** True when the handler edits the message the component sits on rather than answering apart. */
  readonly updatesMessage?: boolean;
  handle(context: ComponentContext<Args>): Promise<Outcome>;
}

/** A component handler whose args are typed by its codec. */
export function onComponent<Args>(codec: CustomIdCodec<Args>, handler: Omit<ComponentHandler<Args>, 'codec'>): ComponentHandler<Args> {
  return { codec, ...handler };
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
  /** Buttons, selects and modals this command owns, each with the codec of its custom ids. */
  readonly components?: readonly ComponentHandler[];
}
