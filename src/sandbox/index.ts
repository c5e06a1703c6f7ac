/** Public entry point of the sandbox: a local stand-in for Discord. */
export { Sandbox, startSandbox, DEFAULT_OPENAPI_PATH, type SandboxOptions } from './sandbox.ts';
export type {
  InteractionHandle,
  InteractionCallback,
  ReplyMessage,
  SlashCommandInput,
  AutocompleteInput,
  ClickButtonInput,
  SelectMenuInput,
  SubmitModalInput,
} from './interactions.ts';
export type { FailNextInput } from './faults.ts';
export type { PrivilegedIntent } from './gateway.ts';
export type {
  RecordedRequest,
  RecordedFile,
  SandboxAttachment,
  SandboxChannel,
  SandboxGuild,
  SandboxMember,
  SandboxMessage,
  SandboxRole,
  SandboxUser,
  ValidationFailure,
} from './types.ts';
export { Permission } from './permissions.ts';
