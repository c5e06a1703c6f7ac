/** Keys are namespaced by guild, so one guild's data can be listed, exported or removed on its own. */
export function guildKey(guildId: string, name: string): string {
  return `guild:${guildId}:${name}`;
}

/** Whether `key` is in `guildId`'s namespace (see {@link guildKey}). */
export function isGuildKey(guildId: string, key: string): boolean {
  return key.startsWith(`guild:${guildId}:`);
}
