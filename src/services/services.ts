import type { CircleService } from './circle-service.ts';
import type { HelpService } from './help-service.ts';
import type { MemberActions } from './member-actions.ts';
import type { MeetingService } from './meeting-service.ts';
import type { PrivacyService } from './privacy-service.ts';
import type { ReflectionService } from './reflection-service.ts';
import type { SafetyService } from './safety-service.ts';
import type { ScheduleService } from './schedule-service.ts';
import type { TaskService } from './task-service.ts';
import type { TurnService } from './turn-service.ts';

/** Everything a handler may call. Built once at start-up (src/app.ts) and handed to the router. */
export interface Services {
  readonly circle: CircleService;
  readonly help: HelpService;
  readonly meetings: MeetingService;
  /** One member action, one use case: the flows that span several services, each one run of the guild's queue. */
  readonly actions: MemberActions;
  readonly privacy: PrivacyService;
  readonly reflections: ReflectionService;
  readonly safety: SafetyService;
  readonly schedules: ScheduleService;
  readonly tasks: TaskService;
  /** Voice meetings: the speaking order of sharing rounds and attendance from presence. */
  readonly turns: TurnService;
}
