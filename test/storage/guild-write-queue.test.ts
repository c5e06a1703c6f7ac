import { describe, expect, it } from 'vitest';
import { GuildWriteQueue } from '../../src/store/guild-write-queue.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the guild write queue', () => {
  it('GIVEN a run for a guild WHEN a step given its handle runs for the same guild THEN it goes on in place instead of waiting forever', async () => {
    const queue = new GuildWriteQueue();
    const order: string[] = [];
    await queue.run('g1', async (tx) => {
      order.push('outer start');
      await queue.run(
        'g1',
        async () => {
          await tick();
          order.push('inner');
        },
        tx,
      );
      order.push('outer end');
    });
    expect(order).toEqual(['outer start', 'inner', 'outer end']);
  });

  it('GIVEN a run in progress WHEN another caller runs for the same guild THEN it waits for the whole run, nested steps included', async () => {
    const queue = new GuildWriteQueue();
    const order: string[] = [];
    const first = queue.run('g1', async (tx) => {
      await queue.run(
        'g1',
        async () => {
          await tick();
          order.push('first, nested');
        },
        tx,
      );
      order.push('first, end');
    });
    const second = queue.run('g1', async () => void order.push('second'));
    await Promise.all([first, second]);
    expect(order).toEqual(['first, nested', 'first, end', 'second']);
  });

  it('GIVEN work a run left going after it ended THEN that work queues like anyone else', async () => {
    const queue = new GuildWriteQueue();
    const order: string[] = [];
    let leftover: Promise<void> | undefined;
    await queue.run('g1', async (tx) => {
      leftover = (async () => {
        await tick();
        await queue.run('g1', async () => void order.push('leftover'), tx);
      })();
    });
    const blocker = queue.run('g1', async () => {
      await tick();
      await tick();
      order.push('later run');
    });
    await Promise.all([leftover, blocker]);
    expect(order).toEqual(['later run', 'leftover']);
  });

  it('GIVEN a run for one guild WHEN it runs for another guild THEN that one is queued for its own guild', async () => {
    const queue = new GuildWriteQueue();
    const order: string[] = [];
    const busy = queue.run('g2', async () => {
      await tick();
      order.push('g2 busy');
    });
    await queue.run('g1', async (tx) => {
      await queue.run('g2', async () => void order.push('g2 from g1'), tx);
    });
    await busy;
    expect(order).toEqual(['g2 busy', 'g2 from g1']);
  });
});
