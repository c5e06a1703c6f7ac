// The chart drawer's thread (src/charts/chart-drawer.ts): SVG in, PNG out, one at a time.
//
// Plain JavaScript so it starts the same under tsx, vitest and node. resvg's parsed picture and its
// decoded 1000x500 bitmap live in native memory that V8 does not count, so nothing prompts a garbage
// collection while thousands are drawn and they pile up (hundreds of MB for 1,000 charts). Here each
// chart is followed by a collection of this thread's small heap, and the answer is sent a turn later,
// once the collected objects' native memory has been given back.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc');

parentPort.on('message', ({ id, svg }) => {
  let answer;
  try {
    // Copied out of resvg's buffer into one of this thread's own, which can be handed over whole.
    const png = new Uint8Array(new Resvg(svg, workerData.options).render().asPng());
    answer = { id, png };
  } catch (error) {
    answer = { id, error: String(error?.stack ?? error) };
  }
  collect();
  setImmediate(() => parentPort.postMessage(answer, answer.png ? [answer.png.buffer] : []));
});
