import { describe, expect, it, vi } from 'vitest';
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

/** A commit the test decides the outcome of. */
function pendingCommit() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('runs pipelined over the store commits', () => {
  it('GIVEN a run whose write is still being committed THEN the next run of its guild starts at once, and neither caller hears back before the commit', async () => {
    const queue = new GuildWriteQueue();
    const commit = pendingCommit();
    const heard: string[] = [];
    let secondStarted = false;
    const first = queue.run('g1', async (tx) => tx.awaitCommit(commit.promise)).then(() => heard.push('first'));
    const second = queue
      .run('g1', async () => {
        secondStarted = true;
      })
      .then(() => heard.push('second'));
    await vi.waitFor(() => expect(secondStarted).toBe(true));
    expect(heard).toEqual([]);
    commit.resolve();
    await Promise.all([first, second]);
    expect(heard).toEqual(['first', 'second']);
  });

  it('GIVEN a commit that fails WHEN the runs after it began before it failed THEN they fail too, and a run begun after the failure goes through', async () => {
    const queue = new GuildWriteQueue();
    const commit = pendingCommit();
    const first = queue.run('g1', async (tx) => tx.awaitCommit(commit.promise));
    // Began while the first run's write was pending: it may have read it.
    const second = queue.run('g1', async () => 'read what the first run wrote');
    await vi.waitFor(() => expect(queue.pending).toBe(2));
    commit.reject(new Error('the disk is full'));
    await expect(first).rejects.toThrow('the disk is full');
    await expect(second).rejects.toThrow('the disk is full');
    await expect(queue.run('g1', async () => 'fresh')).resolves.toBe('fresh');
  });

  it('GIVEN a task that throws after handing a write over THEN its caller hears the task error, and the next run still waits for that commit', async () => {
    const queue = new GuildWriteQueue();
    const commit = pendingCommit();
    const first = queue.run('g1', async (tx) => {
      tx.awaitCommit(commit.promise);
      throw new Error('the task failed');
    });
    await expect(first).rejects.toThrow('the task failed');
    let heard = false;
    const second = queue
      .run('g1', async () => undefined)
      .then(() => {
        heard = true;
      });
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toBe(false);
    commit.resolve();
    await second;
    expect(heard).toBe(true);
  });
});
