import { interactionOverhead } from './interaction-overhead.ts';
import { statsLatency } from './stats-latency.ts';
import { matonTyping } from './maton-typing.ts';
import { meetingsAtScale } from './meetings.ts';
import { schedulesAtScale } from './schedules.ts';
import { reflectionsAtScale } from './reflections.ts';
import { voiceTurnsAtScale } from './voice-turns.ts';
import { shardedAtScale } from './sharded.ts';

/** `npm run bench`: every benchmark, each printing a table against its baseline from the same run. */
const results = [
  await interactionOverhead(),
  await matonTyping(),
  await statsLatency(),
  await meetingsAtScale(),
  await schedulesAtScale(),
  await reflectionsAtScale(),
  await voiceTurnsAtScale(),
  await shardedAtScale(),
];
process.exit(results.every((result) => result.withinTarget) ? 0 : 1);
