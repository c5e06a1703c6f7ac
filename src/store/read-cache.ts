import type { Store } from './group-commit.ts';

/**
 * A store's cache read: from memory when cached, otherwise `read` from the store and kept, unless
 * meanwhile the key was cached (a write, or a later read, put it there: that value is at least as new
 * as what this read found, which may predate the write) or a commit failed (what was read may be a
 * write the failure dropped). Every cache fill goes through here, so a slow read can never put back a
 * value a write had replaced, nor keep one that was never stored.
 */
export async function readThrough<K, V>(store: Store, cache: Map<K, V>, key: K, read: () => Promise<V>): Promise<V> {
  if (cache.has(key)) return cache.get(key) as V;
  const rollbacks = store.rollbacks;
  const value = await read();
  if (store.rollbacks !== rollbacks) return value;
  if (!cache.has(key)) cache.set(key, value);
  return cache.get(key) as V;
}
