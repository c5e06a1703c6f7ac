/**
 * Guild scheduled events. Discord checks here what its schema cannot: an event starts in the
 * future, external events have a location and an end, and a guild has at most 100 active events.
 */
import { ApiError, Errors } from '../http.ts';
import { Limits, type LimitIssue } from '../limits.ts';
import { Permission } from '../permissions.ts';
import type { RouteDef, RouteRequest } from '../router.ts';
import type { SandboxCore } from '../core.ts';

const Status = { Scheduled: 1, Active: 2, Completed: 3, Canceled: 4 } as const;
const EntityType = { StageInstance: 1, Voice: 2, External: 3 } as const;
/** Allowed status changes: scheduled -> active|canceled, active -> completed. */
const TRANSITIONS: Record<number, number[]> = { 1: [2, 4], 2: [3] };

function events(core: SandboxCore, req: RouteRequest): Map<string, any> {
  const id = req.params.id!;
  if (!core.state.guilds.has(id)) throw Errors.unknownGuild();
  return core.state.guildRecord(id).scheduledEvents;
}

function eventOf(core: SandboxCore, req: RouteRequest): any {
  const event = events(core, req).get(req.params.eid!);
  if (!event) throw Errors.unknownScheduledEvent();
  return event;
}

function checkEvent(e: any, isCreate: boolean): LimitIssue[] {
  const issues: LimitIssue[] = [];
  const start = Date.parse(e.scheduled_start_time);
  const end = e.scheduled_end_time ? Date.parse(e.scheduled_end_time) : undefined;
  if (isCreate && !(start > Date.now())) {
    issues.push({ path: ['scheduled_start_time'], code: 'GUILD_SCHEDULED_EVENT_SCHEDULE_PAST', message: 'Cannot schedule event in the past.' });
  }
  if (end !== undefined && !(end > start)) {
    issues.push({ path: ['scheduled_end_time'], code: 'GUILD_SCHEDULED_EVENT_END_BEFORE_START', message: 'Cannot schedule event to end before starting.' });
  }
  if (e.entity_type === EntityType.External) {
    if (!e.entity_metadata?.location) issues.push({ path: ['entity_metadata', 'location'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    if (!e.scheduled_end_time) issues.push({ path: ['scheduled_end_time'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  } else if (e.entity_type === EntityType.StageInstance || e.entity_type === EntityType.Voice) {
    if (!e.channel_id) issues.push({ path: ['channel_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  }
  return issues;
}

export const scheduledEventRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/guilds/:id/scheduled-events',
    handle: (req, core) => ({ body: [...events(core, req).values()].map((e) => structuredClone(e)) }),
  },
  {
    method: 'POST',
    path: '/guilds/:id/scheduled-events',
    openapi: '/guilds/{guild_id}/scheduled-events',
    limits: (req) => checkEvent(req.body ?? {}, true),
    handle: (req, core) => {
      const all = events(core, req);
      const active = [...all.values()].filter((e) => e.status === Status.Scheduled || e.status === Status.Active).length;
      if (active >= Limits.activeScheduledEvents) throw Errors.maxScheduledEvents();
      const body = req.body;
      if (body.channel_id && !core.state.channel(body.channel_id)) throw Errors.unknownChannel();
      // Creating events needs Create Events (or Manage Events) in the guild.
      const perms = core.state.basePermissions(req.params.id!, core.state.botUser.id);
      if (!(perms & (Permission.CreateEvents | Permission.ManageEvents))) throw Errors.missingPermissions();
      const event = {
        id: core.state.ids.next(),
        guild_id: req.params.id,
        channel_id: body.entity_type === EntityType.External ? null : (body.channel_id ?? null),
        creator_id: core.state.botUser.id,
        creator: structuredClone(core.state.botUser),
        name: body.name,
        description: body.description ?? null,
        scheduled_start_time: new Date(body.scheduled_start_time).toISOString(),
        scheduled_end_time: body.scheduled_end_time ? new Date(body.scheduled_end_time).toISOString() : null,
        privacy_level: body.privacy_level ?? 2,
        status: Status.Scheduled,
        entity_type: body.entity_type,
        entity_id: null,
        entity_metadata: body.entity_metadata ?? null,
        user_count: 0,
        image: null,
        recurrence_rule: body.recurrence_rule ?? null,
      };
      all.set(event.id, event);
      core.state.dispatch('GUILD_SCHEDULED_EVENT_CREATE', structuredClone(event));
      return { body: structuredClone(event) };
    },
  },
  { method: 'GET', path: '/guilds/:id/scheduled-events/:eid', handle: (req, core) => ({ body: structuredClone(eventOf(core, req)) }) },
  {
    method: 'PATCH',
    path: '/guilds/:id/scheduled-events/:eid',
    openapi: '/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}',
    limits: (req, core) => {
      const existing = events(core, req).get(req.params.eid!);
      return existing ? checkEvent({ ...existing, ...req.body }, 'scheduled_start_time' in (req.body ?? {})) : [];
    },
    handle: (req, core) => {
      const event = eventOf(core, req);
      const body = req.body ?? {};
      if ('status' in body && body.status !== event.status && !(TRANSITIONS[event.status] ?? []).includes(body.status)) {
        throw new ApiError(400, 180000, `Cannot change a scheduled event from status ${event.status} to ${body.status}`);
      }
      for (const key of ['name', 'description', 'channel_id', 'privacy_level', 'status', 'entity_type', 'entity_metadata', 'recurrence_rule']) {
        if (key in body) event[key] = body[key];
      }
      for (const key of ['scheduled_start_time', 'scheduled_end_time']) {
        if (key in body) event[key] = body[key] === null ? null : new Date(body[key]).toISOString();
      }
      core.state.dispatch('GUILD_SCHEDULED_EVENT_UPDATE', structuredClone(event));
      return { body: structuredClone(event) };
    },
  },
  {
    method: 'DELETE',
    path: '/guilds/:id/scheduled-events/:eid',
    handle: (req, core) => {
      const event = eventOf(core, req);
      events(core, req).delete(event.id);
      core.state.dispatch('GUILD_SCHEDULED_EVENT_DELETE', structuredClone(event));
      return { status: 204 };
    },
  },
];
