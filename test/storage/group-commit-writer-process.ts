import { openStore } from '../../src/store/sqlite-store.ts';

/**
 * A process that writes to the store until it is killed (group-commit.test.ts): waves of writes
 * handed over at once, each reported to the parent as soon as its promise resolved.
 */
const [storeUrl] = process.argv.slice(2);
const store = await openStore(storeUrl!);
await store.ready();
process.send!({ ready: true });
for (let wave = 0; ; wave += 1) {
  await Promise.all(
    Array.from({ length: 50 }, async (_, index) => {
      const key = `guild:g${index % 5}:wave-${wave}-write-${index}`;
      await store.keyv.set(key, { wave, index });
      process.send!({ acknowledged: key, value: { wave, index } });
    }),
  );
}
