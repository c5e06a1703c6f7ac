/**
 * The nonce for a post that must appear once however often it is retried: Discord, with
 * `enforce_nonce`, answers a repeated nonce in the same channel with the first message. Built from
 * what identifies the post (for example a schedule id and an occurrence's date); Discord allows 25
 * characters.
 */
export function postNonce(...parts: readonly string[]): string {
  return parts
    .join('')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 25);
}
