/**
 * Discord-shaped objects the sandbox stores and hands to tests. Field names follow Discord's JSON
 * (snake_case) so a test can compare what it reads with what the bot received over the wire.
 */

export interface SandboxUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
  system?: boolean;
  public_flags: number;
}

export interface SandboxRole {
  id: string;
  name: string;
  color: number;
  colors: { primary_color: number; secondary_color: number | null; tertiary_color: number | null };
  hoist: boolean;
  icon: string | null;
  unicode_emoji: string | null;
  position: number;
  /** Permission bitfield as a decimal string, as Discord sends it. */
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: Record<string, unknown>;
}

export interface SandboxMember {
  user: SandboxUser;
  nick: string | null;
  avatar: string | null;
  roles: string[];
  joined_at: string;
  premium_since: string | null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
  communication_disabled_until: string | null;
}

export interface PermissionOverwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface ThreadMetadata {
  archived: boolean;
  auto_archive_duration: number;
  archive_timestamp: string;
  locked: boolean;
  invitable?: boolean;
  create_timestamp?: string;
}

export interface SandboxChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  position: number;
  permission_overwrites: PermissionOverwrite[];
  parent_id: string | null;
  topic?: string | null;
  nsfw?: boolean;
  rate_limit_per_user?: number;
  last_message_id?: string | null;
  flags: number;
  // Thread-only fields (types 10, 11, 12).
  owner_id?: string;
  thread_metadata?: ThreadMetadata;
  message_count?: number;
  member_count?: number;
  total_message_sent?: number;
}

export interface SandboxGuild {
  id: string;
  name: string;
  owner_id: string;
  preferred_locale: string;
  system_channel_id: string | null;
}

export interface SandboxAttachment {
  id: string;
  filename: string;
  description?: string;
  content_type?: string;
  size: number;
  url: string;
  proxy_url: string;
}

export interface SandboxMessage {
  id: string;
  type: number;
  channel_id: string;
  guild_id?: string;
  author: SandboxUser;
  content: string;
  embeds: any[];
  components: any[];
  attachments: SandboxAttachment[];
  flags: number;
  /** Exactly what the bot sent (or undefined). Not part of Discord's message object; kept for tests. */
  allowed_mentions?: any;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: SandboxUser[];
  mention_roles: string[];
  pinned: boolean;
  nonce?: string | number;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: Record<string, unknown>;
  message_reference?: Record<string, unknown>;
  poll?: unknown;
  thread?: SandboxChannel;
  position?: number;
}

export interface RecordedFile {
  /** Form field name, e.g. `files[0]`. */
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path after `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  /** Route template, e.g. `POST /channels/:id/messages`; `METHOD <path>` for unknown routes. */
  route: string;
  query: Record<string, string>;
  /** Parsed JSON body, or the parsed `payload_json` part of a multipart body. */
  body: any;
  files: RecordedFile[];
  status: number;
  at: number;
  /** True when the request carried `Authorization: Bot <the sandbox token>`. */
  authorized: boolean;
  /** Raw Authorization header presence, so tests can assert that callbacks carry none. */
  hasAuthorizationHeader: boolean;
  /** Set when the sandbox answered from an injected fault or its global rate limit. */
  fault?: string;
}

export interface ValidationFailure {
  route: string;
  errors: unknown;
}

/** A member's voice connection in a guild, as Discord sends it (GUILD_CREATE lists these without `member`). */
export interface SandboxVoiceState {
  guild_id: string;
  channel_id: string;
  user_id: string;
  session_id: string;
  deaf: boolean;
  mute: boolean;
  self_deaf: boolean;
  self_mute: boolean;
  self_stream: boolean;
  self_video: boolean;
  /** In a stage channel: an audience member (true) or a speaker (false). */
  suppress: boolean;
  /** A raised hand in a stage channel (ISO time; earlier hands first), else null. */
  request_to_speak_timestamp: string | null;
}
