/**
 * Turns a message body the bot sent (channel message, webhook follow-up, interaction callback data,
 * or an edit of any of these) into the stored Discord message, including uploaded attachments.
 */
import type { SandboxBase } from './base.ts';
import { MessageFlags } from './state.ts';
import type { RecordedFile, SandboxAttachment, SandboxMessage, SandboxUser } from './types.ts';

/** Flags a bot may set itself: SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2. */
const SETTABLE_FLAGS = 4 | MessageFlags.Ephemeral | 4096 | MessageFlags.IsComponentsV2;

export interface NewMessageInput {
  channelId: string;
  guildId?: string;
  author: SandboxUser;
  body: any;
  files: RecordedFile[];
  extra?: Partial<SandboxMessage>;
  /** Flags forced by context, e.g. the ephemeral flag of a deferred reply. */
  forceFlags?: number;
}

export function hasVisibleContent(m: Pick<SandboxMessage, 'content' | 'embeds' | 'components' | 'attachments'>): boolean {
  return m.content.length > 0 || m.embeds.length > 0 || m.components.length > 0 || m.attachments.length > 0;
}

/** Discord refuses a message with nothing in it (50006). */
export function isEmptyBody(body: any, files: RecordedFile[]): boolean {
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  return (
    !(typeof body?.content === 'string' && body.content.length > 0) &&
    !nonEmpty(body?.embeds) &&
    !nonEmpty(body?.components) &&
    !nonEmpty(body?.sticker_ids) &&
    !body?.poll &&
    files.length === 0
  );
}

export function buildMessage(core: SandboxBase, input: NewMessageInput): SandboxMessage {
  const { state } = core;
  const body = input.body ?? {};
  const id = state.ids.next();
  const message: SandboxMessage = {
    id,
    type: 0,
    channel_id: input.channelId,
    ...(input.guildId ? { guild_id: input.guildId } : {}),
    author: structuredClone(input.author),
    content: typeof body.content === 'string' ? body.content : '',
    embeds: normaliseEmbeds(body.embeds),
    components: Array.isArray(body.components) ? structuredClone(body.components) : [],
    attachments: buildAttachments(core, input.channelId, body.attachments, input.files, []),
    flags: ((Number(body.flags ?? 0) & SETTABLE_FLAGS) | (input.forceFlags ?? 0)) >>> 0,
    ...(body.allowed_mentions !== undefined ? { allowed_mentions: structuredClone(body.allowed_mentions) } : {}),
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: body.tts === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
    ...(body.nonce !== undefined && body.nonce !== null ? { nonce: body.nonce } : {}),
    ...(body.poll ? { poll: structuredClone(body.poll) } : {}),
    ...(body.message_reference
      ? { type: 19, message_reference: { type: 0, channel_id: input.channelId, guild_id: input.guildId, ...body.message_reference } }
      : {}),
    ...input.extra,
  };
  return message;
}

/** The fields an edit changes; absent fields stay as they were, as on Discord. */
export function editFields(core: SandboxBase, existing: SandboxMessage, body: any, files: RecordedFile[]): Partial<SandboxMessage> {
  const patch: Partial<SandboxMessage> = {};
  if (!body || typeof body !== 'object') body = {};
  if ('content' in body) patch.content = typeof body.content === 'string' ? body.content : '';
  if ('embeds' in body) patch.embeds = normaliseEmbeds(body.embeds);
  if ('components' in body) patch.components = Array.isArray(body.components) ? structuredClone(body.components) : [];
  if ('allowed_mentions' in body) patch.allowed_mentions = structuredClone(body.allowed_mentions);
  if ('flags' in body && body.flags !== null) {
    // Ephemeral-ness and loading cannot be changed by an edit.
    const keep = existing.flags & (MessageFlags.Ephemeral | MessageFlags.Loading);
    patch.flags = ((Number(body.flags) & SETTABLE_FLAGS & ~MessageFlags.Ephemeral) | keep) >>> 0;
  }
  if ('attachments' in body || files.length > 0) {
    patch.attachments = buildAttachments(core, existing.channel_id, body.attachments, files, existing.attachments);
  }
  return patch;
}

function normaliseEmbeds(embeds: unknown): any[] {
  if (!Array.isArray(embeds)) return [];
  return embeds.map((e) => ({ type: 'rich', ...structuredClone(e) }));
}

/**
 * `attachments` in a body lists what the message should carry: `{id: n}` refers to the upload in
 * `files[n]`, a snowflake id keeps an existing attachment. Without the list, every upload is added
 * (and on edit, existing attachments stay).
 */
function buildAttachments(core: SandboxBase, channelId: string, listed: unknown, files: RecordedFile[], existing: SandboxAttachment[]): SandboxAttachment[] {
  const byIndex = new Map<string, RecordedFile>();
  files.forEach((f, i) => {
    const m = /^files\[(\d+)\]$/.exec(f.field) ?? /^file(\d*)$/.exec(f.field);
    byIndex.set(m ? String(m[1] || 0) : String(i), f);
  });
  const upload = (file: RecordedFile, meta: any): SandboxAttachment => {
    const id = core.state.ids.next();
    const filename = typeof meta?.filename === 'string' ? meta.filename : file.name;
    core.state.attachmentsData.set(id, { filename, contentType: file.contentType, data: file.data });
    const url = `${core.config.origin}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    return {
      id,
      filename,
      ...(typeof meta?.description === 'string' ? { description: meta.description } : {}),
      content_type: file.contentType,
      size: file.data.length,
      url,
      proxy_url: url,
    };
  };
  if (!Array.isArray(listed)) {
    return [...existing.map((a) => structuredClone(a)), ...[...byIndex.values()].map((f) => upload(f, undefined))];
  }
  const out: SandboxAttachment[] = [];
  for (const meta of listed) {
    const key = String(meta?.id);
    const file = byIndex.get(key);
    if (file) out.push(upload(file, meta));
    else {
      const kept = existing.find((a) => a.id === key);
      if (kept) out.push({ ...structuredClone(kept), ...(typeof meta?.description === 'string' ? { description: meta.description } : {}) });
    }
  }
  return out;
}
