/**
 * A success or an expected failure, returned instead of thrown (as Sapphire's resolvers do),
 * so callers must decide what a member sees when something is wrong.
 */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
