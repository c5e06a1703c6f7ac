import { err, ok, type Result } from '../result.ts';
import { formatTimeOfDay, parseTimeOfDay, type Weekday } from './time-of-day.ts';
import { resolveTimezone } from './timezone.ts';

/** How a guild's circle is set up by its moderators (`/circle setup`). */
export interface CircleSettings {
  readonly circleChannelId: string;
  readonly moderatorRoleId: string | null;
  readonly memberRoleId: string | null;
  readonly modChannelId: string | null;
  readonly timezone: string;
  readonly crisisResources: string | null;
  /** Crisis alerts, and only they, mention this role so someone is paged. */
  readonly crisisPingRoleId: string | null;
  readonly reflectionDay: Weekday;
  /** `HH:MM` in {@link timezone}. */
  readonly reflectionTime: string;
  /** Where meetings talk by default: a voice or Stage channel. Absent (or null) in settings saved before voice meetings. */
  readonly voiceChannelId?: string | null;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export const CIRCLE_DEFAULTS = {
  timezone: 'UTC',
  reflectionDay: 'sun',
  reflectionTime: '18:00',
} as const satisfies Partial<CircleSettings>;

export const CRISIS_RESOURCES_MAX_LENGTH = 1000;

/** What a moderator asked to change. Absent fields keep their current value. */
export interface CircleSettingsChange {
  readonly circleChannelId: string;
  readonly moderatorRoleId?: string;
  readonly memberRoleId?: string;
  readonly modChannelId?: string;
  readonly timezone?: string;
  readonly crisisResources?: string;
  readonly crisisPingRoleId?: string;
  readonly reflectionDay?: Weekday;
  readonly reflectionTime?: string;
  readonly voiceChannelId?: string;
}

export type CircleSettingsProblem =
  | { readonly kind: 'unknown-timezone'; readonly input: string }
  | { readonly kind: 'invalid-time'; readonly input: string }
  | { readonly kind: 'crisis-resources-too-long'; readonly length: number; readonly max: number }
  | { readonly kind: 'crisis-resources-empty' };

/**
 * Applies a change to the current settings (or to the defaults on first set-up). Everything is
 * checked before anything is returned, so a bad value never leaves the settings half-written.
 */
export function applyCircleSettingsChange(
  current: CircleSettings | undefined,
  change: CircleSettingsChange,
  actor: { readonly userId: string; readonly at: Date },
): Result<CircleSettings, CircleSettingsProblem> {
  let timezone = current?.timezone ?? CIRCLE_DEFAULTS.timezone;
  if (change.timezone !== undefined) {
    const resolved = resolveTimezone(change.timezone);
    if (!resolved.ok) return err({ kind: 'unknown-timezone', input: change.timezone });
    timezone = resolved.value;
  }

  let reflectionTime = current?.reflectionTime ?? CIRCLE_DEFAULTS.reflectionTime;
  if (change.reflectionTime !== undefined) {
    const parsed = parseTimeOfDay(change.reflectionTime);
    if (!parsed.ok) return err({ kind: 'invalid-time', input: change.reflectionTime });
    reflectionTime = formatTimeOfDay(parsed.value);
  }

  let crisisResources = current?.crisisResources ?? null;
  if (change.crisisResources !== undefined) {
    const text = change.crisisResources.trim();
    if (text.length === 0) return err({ kind: 'crisis-resources-empty' });
    if (text.length > CRISIS_RESOURCES_MAX_LENGTH) {
      return err({ kind: 'crisis-resources-too-long', length: text.length, max: CRISIS_RESOURCES_MAX_LENGTH });
    }
    crisisResources = text;
  }

  return ok({
    circleChannelId: change.circleChannelId,
    moderatorRoleId: change.moderatorRoleId ?? current?.moderatorRoleId ?? null,
    memberRoleId: change.memberRoleId ?? current?.memberRoleId ?? null,
    modChannelId: change.modChannelId ?? current?.modChannelId ?? null,
    timezone,
    crisisResources,
    crisisPingRoleId: change.crisisPingRoleId ?? current?.crisisPingRoleId ?? null,
    reflectionDay: change.reflectionDay ?? current?.reflectionDay ?? CIRCLE_DEFAULTS.reflectionDay,
    reflectionTime,
    ...voiceChannel(change.voiceChannelId ?? current?.voiceChannelId ?? null),
    updatedAt: actor.at.toISOString(),
    updatedBy: actor.userId,
  });
}

/** Only a circle that chose a voice channel has the field, so settings from before voice meetings read and compare as they were. */
const voiceChannel = (voiceChannelId: string | null): { voiceChannelId?: string } => (voiceChannelId ? { voiceChannelId } : {});
