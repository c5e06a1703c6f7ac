/**
 * Acting as a member: builds Discord-shaped INTERACTION_CREATE payloads (slash commands,
 * autocomplete, buttons, selects, modal submits), dispatches them, and tracks how the bot answers
 * through interaction callbacks and the interaction webhook (follow-ups, `@original`), enforcing
 * Discord's rules: one initial response, within the deadline, tokens valid for 15 minutes.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxBase } from './base.ts';
import { Errors } from './http.ts';
import { buildMessage, editFields, hasVisibleContent, isEmptyBody } from './message-builder.ts';
import { commandData, fullName, resolveSelectValues, type SlashCommandInput } from './command-options.ts';
import { modalSubmission, rowsFromFields } from './modal-submission.ts';
import { MessageFlags, toWireMessage } from './state.ts';
import type { RecordedFile, SandboxMessage } from './types.ts';
import { preciseNow } from './clock.ts';

export const InteractionType = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
export const CallbackType = {
  ChannelMessage: 4,
  DeferredChannelMessage: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;

const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);

export interface InteractionCallback {
  type: number;
  data: any;
  at: number;
}

export type ReplyMessage = SandboxMessage & { ephemeral: boolean };

export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  readonly createdAt: number;
  /** Every accepted callback (refused ones are only in `sandbox.requests`). */
  readonly callbacks: ReadonlyArray<InteractionCallback>;
  firstResponse(timeoutMs?: number): Promise<InteractionCallback>;
  reply(timeoutMs?: number): Promise<ReplyMessage>;
  followUps(): SandboxMessage[];
  modal(timeoutMs?: number): Promise<any>;
}

export type { SlashCommandInput };

export interface AutocompleteInput extends SlashCommandInput {
  /** Name of the option the member is typing in. */
  focused: string;
}

export interface ClickButtonInput {
  userId: string;
  message: SandboxMessage;
  customId: string;
}

export interface SelectMenuInput extends ClickButtonInput {
  values: string[];
}

export interface SubmitModalInput {
  userId: string;
  guildId: string;
  channelId: string;
  customId: string;
  /** Text input values by custom_id (a select inside a label takes comma-separated values). */
  fields: Record<string, string>;
  message?: SandboxMessage;
}

interface InteractionRecord {
  id: string;
  token: string;
  createdAt: number;
  type: number;
  label: string;
  guildId: string;
  channelId: string;
  userId: string;
  callbacks: InteractionCallback[];
  /** The message `@original` refers to: the response message, or the component's message. */
  originalMessageId?: string;
  originalIsSource: boolean;
  sourceMessageId?: string;
  /** For component interactions: whether the bot changed the component's message (type 7 / edit). */
  sourceUpdated: boolean;
  followUpIds: string[];
  modalData?: any;
  listeners: Set<() => void>;
}

const DEFAULT_WAIT_MS = 5000;

export class InteractionTracker {
  private readonly byId = new Map<string, InteractionRecord>();
  private readonly byToken = new Map<string, InteractionRecord>();
  private core!: SandboxBase;

  attach(core: SandboxBase): void {
    this.core = core;
  }

  // ================================================================ acting as a member

  slashCommand(input: SlashCommandInput): InteractionHandle {
    const { data } = commandData(this.state, input, undefined);
    const r = this.dispatch(InteractionType.ApplicationCommand, input.guildId, input.channelId, input.userId, `/${fullName(input)}`, { data });
    return this.handle(r);
  }

  async autocomplete(input: AutocompleteInput, timeoutMs = DEFAULT_WAIT_MS): Promise<Array<{ name: string; value: string | number }>> {
    const { data } = commandData(this.state, input, input.focused);
    const r = this.dispatch(InteractionType.Autocomplete, input.guildId, input.channelId, input.userId, `autocomplete /${fullName(input)} ${input.focused}`, {
      data,
    });
    const first = await this.handle(r).firstResponse(timeoutMs);
    if (first.type !== CallbackType.AutocompleteResult) {
      throw new Error(`Autocomplete for /${fullName(input)} was answered with callback type ${first.type}, not 8`);
    }
    return first.data?.choices ?? [];
  }

  clickButton(input: ClickButtonInput): InteractionHandle {
    const { message, component } = this.findComponent(input.message, input.customId, (c) => c.type === 2);
    if (component.disabled) throw new Error(`Button ${input.customId} is disabled`);
    if (component.style === 5 || component.style === 6) throw new Error(`Button ${input.customId} is a link/premium button; it does not send interactions`);
    const data = { custom_id: input.customId, component_type: 2, ...(component.id !== undefined ? { id: component.id } : {}) };
    const r = this.dispatchComponent(message, input.userId, `button ${input.customId}`, data);
    return this.handle(r);
  }

  selectMenu(input: SelectMenuInput): InteractionHandle {
    const { message, component } = this.findComponent(input.message, input.customId, (c) => SELECT_TYPES.has(c.type));
    if (component.disabled) throw new Error(`Select menu ${input.customId} is disabled`);
    const min = component.min_values ?? 1;
    const max = component.max_values ?? 1;
    if (input.values.length < min || input.values.length > max) {
      throw new Error(`Select menu ${input.customId} takes ${min}-${max} values, got ${input.values.length}`);
    }
    const guildId = message.guild_id ?? this.state.channel(message.channel_id)?.guild_id ?? '';
    const resolved =
      component.type === 3 ? undefined : resolveSelectValues(this.state, component.type, guildId, message.channel_id, input.userId, input.values);
    if (component.type === 3) {
      const allowed = new Set((component.options ?? []).map((o: any) => o.value));
      const bad = input.values.filter((v) => !allowed.has(v));
      if (bad.length > 0) throw new Error(`Select menu ${input.customId} has no option(s) ${bad.join(', ')}`);
    }
    const data = {
      custom_id: input.customId,
      component_type: component.type,
      values: [...input.values],
      ...(resolved ? { resolved } : {}),
      ...(component.id !== undefined ? { id: component.id } : {}),
    };
    const r = this.dispatchComponent(message, input.userId, `select ${input.customId}`, data);
    return this.handle(r);
  }

  submitModal(input: SubmitModalInput): InteractionHandle {
    const shown = this.latestModal(input.customId, input.userId);
    const components = shown ? modalSubmission(shown.modalData, input.fields) : rowsFromFields(input.fields);
    const sourceId = input.message?.id ?? (shown?.originalIsSource ? shown.sourceMessageId : undefined);
    const source = sourceId ? this.state.messages.get(sourceId) : undefined;
    if (input.message && !source) throw new Error(`submitModal: message ${input.message.id} does not exist (deleted?)`);
    const r = this.dispatch(InteractionType.ModalSubmit, input.guildId, input.channelId, input.userId, `modal ${input.customId}`, {
      data: { custom_id: input.customId, components },
      ...(source ? { message: toWireMessage(source) } : {}),
    });
    if (source) {
      r.sourceMessageId = source.id;
    }
    return this.handle(r);
  }

  // ================================================================ the bot's side: callbacks

  /** `POST /interactions/:id/:token/callback`. */
  callback(id: string, token: string, body: any, files: RecordedFile[], withResponse: boolean): { status: number; body?: unknown } {
    const r = this.byId.get(id);
    if (!r || r.token !== token) throw Errors.unknownInteraction();
    if (r.callbacks.length > 0) throw Errors.alreadyAcknowledged();
    const now = preciseNow();
    if (now - r.createdAt > this.core.config.interactionDeadlineMs) throw Errors.unknownInteraction();
    const type = Number(body?.type);
    this.checkCallbackType(r, type);
    const data = body?.data ?? null;
    let message: SandboxMessage | undefined;
    switch (type) {
      case CallbackType.ChannelMessage: {
        if (isEmptyBody(data, files)) throw Errors.emptyMessage();
        message = this.state.addMessage(this.responseMessage(r, data ?? {}, files, 0));
        r.originalMessageId = message.id;
        break;
      }
      case CallbackType.DeferredChannelMessage: {
        // Discord shows "<bot> is thinking..." as a loading message until the bot edits it.
        const ephemeral = Number(data?.flags ?? 0) & MessageFlags.Ephemeral;
        message = this.state.addMessage(this.responseMessage(r, {}, [], MessageFlags.Loading | ephemeral));
        r.originalMessageId = message.id;
        break;
      }
      case CallbackType.DeferredUpdateMessage:
      case CallbackType.UpdateMessage: {
        r.originalMessageId = r.sourceMessageId;
        r.originalIsSource = true;
        if (type === CallbackType.UpdateMessage && r.sourceMessageId) {
          const source = this.state.messages.get(r.sourceMessageId);
          if (!source) throw Errors.unknownMessage();
          message = this.state.updateMessage(source.id, editFields(this.core, source, data ?? {}, files));
          r.sourceUpdated = true;
        }
        break;
      }
      case CallbackType.Modal:
        r.modalData = structuredClone(data);
        break;
      default:
        break;
    }
    r.callbacks.push({ type, data: structuredClone(data), at: now });
    this.changed(r);
    if (!withResponse) return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: r.id,
          type: r.type,
          ...(message
            ? {
                response_message_id: message.id,
                response_message_loading: (message.flags & MessageFlags.Loading) !== 0,
                response_message_ephemeral: (message.flags & MessageFlags.Ephemeral) !== 0,
              }
            : {}),
        },
        resource: { type, ...(message ? { message: toWireMessage(message) } : {}) },
      },
    };
  }

  /** Discord refuses callback types that make no sense for the interaction type. */
  private checkCallbackType(r: InteractionRecord, type: number) {
    const allowed: Record<number, number[]> = {
      [InteractionType.ApplicationCommand]: [4, 5, 9],
      [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
      [InteractionType.Autocomplete]: [8],
      [InteractionType.ModalSubmit]: r.sourceMessageId ? [4, 5, 6, 7] : [4, 5],
    };
    if (!(allowed[r.type] ?? []).includes(type)) {
      throw Errors.invalidFormBody({
        type: { _errors: [{ code: 'INTERACTION_CALLBACK_TYPE_INVALID', message: `Callback type ${type} is not valid for interaction type ${r.type}` }] },
      });
    }
  }

  // ================================================================ the bot's side: webhook

  /** `POST /webhooks/:app/:token` (follow-up). */
  followUp(appId: string, token: string, body: any, files: RecordedFile[]): SandboxMessage {
    const r = this.byWebhook(appId, token);
    if (r.callbacks.length === 0) throw Errors.unknownWebhook();
    if (isEmptyBody(body, files)) throw Errors.emptyMessage();
    const original = r.originalMessageId && !r.originalIsSource ? this.state.messages.get(r.originalMessageId) : undefined;
    let message: SandboxMessage;
    if (original && original.flags & MessageFlags.Loading) {
      // Discord turns the first follow-up after a deferred reply into that reply.
      message = this.state.updateMessage(original.id, {
        ...editFields(this.core, original, body, files),
        flags: original.flags & ~MessageFlags.Loading,
        edited_timestamp: null,
      });
    } else {
      message = this.state.addMessage(this.responseMessage(r, body, files, 0));
    }
    r.followUpIds.push(message.id);
    this.changed(r);
    return message;
  }

  /** `GET /webhooks/:app/:token/messages/:ref` (`@original` or a follow-up id). */
  webhookMessage(appId: string, token: string, ref: string): SandboxMessage {
    const r = this.byWebhook(appId, token);
    return this.refMessage(r, ref);
  }

  editWebhookMessage(appId: string, token: string, ref: string, body: any, files: RecordedFile[]): SandboxMessage {
    const r = this.byWebhook(appId, token);
    const existing = this.refMessage(r, ref);
    const patch = editFields(this.core, existing, body, files);
    if (existing.flags & MessageFlags.Loading) patch.flags = (patch.flags ?? existing.flags) & ~MessageFlags.Loading;
    const message = this.state.updateMessage(existing.id, patch);
    if (existing.id === r.sourceMessageId) r.sourceUpdated = true;
    this.changed(r);
    return message;
  }

  deleteWebhookMessage(appId: string, token: string, ref: string): void {
    const r = this.byWebhook(appId, token);
    const existing = this.refMessage(r, ref);
    this.state.deleteMessage(existing.id);
    this.changed(r);
  }

  private byWebhook(appId: string, token: string): InteractionRecord {
    const r = this.byToken.get(token);
    if (!r || appId !== this.core.config.applicationId) throw Errors.unknownWebhook();
    if (preciseNow() - r.createdAt > this.core.config.interactionTokenLifetimeMs) throw Errors.invalidWebhookToken();
    return r;
  }

  private refMessage(r: InteractionRecord, ref: string): SandboxMessage {
    const id = ref === '@original' ? r.originalMessageId : r.followUpIds.includes(ref) || ref === r.originalMessageId ? ref : undefined;
    const message = id ? this.state.messages.get(id) : undefined;
    if (!message) throw Errors.unknownMessage();
    return message;
  }

  // ================================================================ handles and waiting

  private handle(r: InteractionRecord): InteractionHandle {
    return {
      id: r.id,
      token: r.token,
      createdAt: r.createdAt,
      callbacks: r.callbacks,
      firstResponse: (timeoutMs = DEFAULT_WAIT_MS) => this.waitFor(r, timeoutMs, 'a first callback', () => r.callbacks[0]),
      reply: (timeoutMs = DEFAULT_WAIT_MS) => this.waitFor(r, timeoutMs, 'a visible reply', () => this.visibleAnswer(r)),
      followUps: () =>
        r.followUpIds
          .map((id) => this.state.messages.get(id))
          .filter((m) => m !== undefined)
          .map((m) => structuredClone(m)),
      modal: (timeoutMs = DEFAULT_WAIT_MS) =>
        this.waitFor(r, timeoutMs, 'a modal (callback type 9)', () => {
          if (r.modalData) return structuredClone(r.modalData);
          if (r.callbacks.length > 0) throw new Error(`${r.label} was answered with callback type ${r.callbacks[0]!.type}, not a modal`);
          return undefined;
        }),
    };
  }

  /** The answer a member sees: the response (once it has content), else the first follow-up. */
  private visibleAnswer(r: InteractionRecord): ReplyMessage | undefined {
    const ids = [...(r.originalMessageId && (!r.originalIsSource || r.sourceUpdated) ? [r.originalMessageId] : []), ...r.followUpIds];
    for (const id of ids) {
      const m = this.state.messages.get(id);
      if (m && !(m.flags & MessageFlags.Loading) && hasVisibleContent(m)) {
        return { ...structuredClone(m), ephemeral: (m.flags & MessageFlags.Ephemeral) !== 0 };
      }
    }
    return undefined;
  }

  private waitFor<T>(r: InteractionRecord, timeoutMs: number, what: string, probe: () => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        r.listeners.delete(check);
        unsubscribe();
        fn();
      };
      const check = () => {
        try {
          const value = probe();
          if (value !== undefined) finish(() => resolve(value));
        } catch (err) {
          finish(() => reject(err));
        }
      };
      const timer = setTimeout(() => {
        const seen = r.callbacks.map((c) => c.type).join(', ') || 'none';
        const hint =
          this.core.gatewaySessions() === 0
            ? '; no bot is connected to the gateway'
            : this.core.gatewayReaches(r.guildId)
              ? ''
              : '; no connected shard owns this guild (see Sandbox.shardOf)';
        finish(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what} to ${r.label} (callbacks so far: ${seen}${hint})`)));
      }, timeoutMs);
      r.listeners.add(check);
      // Channel edits (PATCH /channels/:id/messages/:mid) can also change the visible answer.
      const unsubscribe = this.state.onMessageChange(check);
      check();
    });
  }

  private changed(r: InteractionRecord) {
    for (const l of [...r.listeners]) l();
  }

  // ================================================================ payload building

  private get state() {
    return this.core.state;
  }

  private dispatch(type: number, guildId: string, channelId: string, userId: string, label: string, extra: Record<string, unknown>): InteractionRecord {
    const { state, config } = this.core;
    const guild = state.guildRecord(guildId);
    const channel = state.channel(channelId);
    if (!channel || channel.guild_id !== guildId) throw new Error(`Channel ${channelId} is not a channel of guild ${guildId}`);
    const member = state.member(guildId, userId);
    if (!member) throw new Error(`User ${userId} is not a member of guild ${guildId}`);
    const id = state.ids.next();
    const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(48).toString('base64url')}`;
    const r: InteractionRecord = {
      id,
      token,
      createdAt: preciseNow(),
      type,
      label,
      guildId,
      channelId,
      userId,
      callbacks: [],
      originalIsSource: false,
      sourceUpdated: false,
      followUpIds: [],
      listeners: new Set(),
    };
    this.byId.set(id, r);
    this.byToken.set(token, r);
    const memberPermissions = state.channelPermissions(channelId, userId).toString();
    const payload = {
      id,
      application_id: config.applicationId,
      type,
      ...extra,
      guild_id: guildId,
      guild: { id: guildId, locale: guild.guild.preferred_locale, features: [] },
      channel_id: channelId,
      channel: { ...structuredClone(channel), permissions: memberPermissions },
      member: { ...structuredClone(member), permissions: memberPermissions },
      token,
      version: 1,
      app_permissions: state.channelPermissions(channelId, state.botUser.id).toString(),
      locale: 'en-US',
      guild_locale: guild.guild.preferred_locale,
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
    };
    state.dispatch('INTERACTION_CREATE', payload);
    return r;
  }

  private dispatchComponent(message: SandboxMessage, userId: string, label: string, data: Record<string, unknown>): InteractionRecord {
    const channel = this.state.channel(message.channel_id);
    if (!channel) throw new Error(`Message ${message.id} is in an unknown channel`);
    const r = this.dispatch(InteractionType.MessageComponent, channel.guild_id, channel.id, userId, label, {
      data,
      message: toWireMessage(message),
    });
    r.sourceMessageId = message.id;
    return r;
  }

  /** The response message of an interaction (callback 4/5 or a follow-up), as Discord builds it. */
  private responseMessage(r: InteractionRecord, body: any, files: RecordedFile[], forceFlags: number): SandboxMessage {
    const { state, config } = this.core;
    const user = state.users.get(r.userId)!;
    return buildMessage(this.core, {
      channelId: r.channelId,
      guildId: r.guildId,
      author: state.botUser,
      body,
      files,
      forceFlags,
      extra: {
        type: r.type === InteractionType.ApplicationCommand ? 20 : 0,
        webhook_id: config.applicationId,
        application_id: config.applicationId,
        interaction_metadata: {
          id: r.id,
          type: r.type,
          user: structuredClone(user),
          authorizing_integration_owners: { '0': r.guildId },
          ...(r.type === InteractionType.ApplicationCommand ? { name: r.label.slice(1) } : {}),
        },
      },
    });
  }

  private findComponent(ref: SandboxMessage, customId: string, accept: (c: any) => boolean): { message: SandboxMessage; component: any } {
    const message = this.state.messages.get(ref.id);
    if (!message) throw new Error(`Message ${ref.id} does not exist (deleted, or not sent by the bot)`);
    let found: any;
    const walk = (c: any) => {
      if (!c || found) return;
      if (c.custom_id === customId && accept(c)) found = c;
      for (const key of ['components', 'items']) if (Array.isArray(c[key])) c[key].forEach(walk);
      if (c.accessory) walk(c.accessory);
      if (c.component) walk(c.component);
    };
    message.components.forEach(walk);
    if (!found) {
      const ids: string[] = [];
      const collect = (c: any) => {
        if (!c) return;
        if (typeof c.custom_id === 'string') ids.push(c.custom_id);
        for (const key of ['components', 'items']) if (Array.isArray(c[key])) c[key].forEach(collect);
        if (c.accessory) collect(c.accessory);
      };
      message.components.forEach(collect);
      throw new Error(`Message ${message.id} has no matching component with custom_id ${JSON.stringify(customId)} (has: ${ids.join(', ') || 'none'})`);
    }
    return { message, component: found };
  }

  private latestModal(customId: string, userId: string): InteractionRecord | undefined {
    let latest: InteractionRecord | undefined;
    for (const r of this.byId.values()) {
      if (r.modalData?.custom_id === customId && r.userId === userId && (!latest || r.createdAt >= latest.createdAt)) latest = r;
    }
    return latest;
  }
}
