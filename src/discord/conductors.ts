import type { MeetingConductor } from './meeting-conductor.ts';
import type { ReflectionConductor } from './reflection-conductor.ts';
import type { ScheduleConductor } from './schedule-conductor.ts';

/**
 * What keeps Discord in step with the store beyond an interaction's own answer: meeting threads,
 * schedules and their events, weekly reflections. Handlers call them after changing what they show.
 */
export interface Conductors {
  readonly meetings: MeetingConductor;
  readonly schedules: ScheduleConductor;
  readonly reflections: ReflectionConductor;
}
