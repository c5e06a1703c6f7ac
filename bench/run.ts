import { interactionOverhead } from './interaction-overhead.ts';

/** `npm run bench`: every benchmark, each printing a table against its baseline from the same run. */
const results = [await interactionOverhead()];
process.exit(results.every((result) => result.withinTarget) ? 0 : 1);
