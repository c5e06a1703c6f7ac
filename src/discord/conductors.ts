import type { ChangeFeed } from '../services/changes.ts';
import type { MeetingConductor } from './meeting-conductor.ts';
import type { ReflectionConductor } from './reflection-conductor.ts';
import type { ScheduleConductor } from './schedule-conductor.ts';
import type { TurnConductor } from './turn-conductor.ts';

/**
 * What keeps Discord in step with the store beyond an interaction's own answer: meeting threads,
 * schedules and their events, weekly reflections. They follow the services' change feed (followChanges)
 * and their own timers; handlers never call them.
 */
export interface Conductors {
  readonly meetings: MeetingConductor;
  readonly schedules: ScheduleConductor;
  readonly reflections: ReflectionConductor;
  readonly turns: TurnConductor;
}

/** Subscribes the conductors to what services change: Discord follows from what was stored. */
export function followChanges(changes: ChangeFeed, conductors: Conductors): void {
  changes.subscribe(async (change) => {
    switch (change.kind) {
      case 'meeting':
        return conductors.meetings.sync(change.guildId);
      case 'turns':
        return conductors.turns.sync(change.guildId);
      case 'schedules':
        return change.removed ? conductors.schedules.cancelEvent(change.guildId, change.removed) : conductors.schedules.refreshEvents(change.guildId);
      case 'reflection':
        await conductors.reflections.post(change.guildId, change.at, false, change.key);
        return;
    }
  });
}
