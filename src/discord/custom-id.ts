import { z } from 'zod';
import { err, ok, type Result } from '../domain/result.ts';

/**
 * Custom ids of buttons, selects and modals: `prefix:part:part`. Each prefix has one codec, kept beside
 * the code that renders the component (or its handler), which builds the id from typed values and
 * reads them back with zod. Discord sends the id back verbatim, possibly from a message posted long
 * ago: a part that does not decode means a stale or tampered component, answered as an expired button
 * by the router, never as an unexpected error.
 *
 * The formats are stable: an id posted by an older version must keep decoding, so a codec's prefix and
 * parts only ever change together with a new prefix.
 */

/** Discord's limit on a custom id. */
export const CUSTOM_ID_MAX_LENGTH = 100;

const SEPARATOR = ':';
const PREFIX = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** One part of a custom id: read from its text, written back as text (`z.codec` when the value is not a string). */
type Part = z.ZodType<unknown, string>;

/** The parts of an id, named (in order of the shape's keys) or positional. */
export type CustomIdSchema = z.ZodObject<Record<string, Part>> | z.ZodTuple<readonly Part[], null>;

/** An id no handler claims, or whose parts do not decode: a stale (or tampered) component. Logged by the prefix only. */
export interface CustomIdProblem {
  readonly kind: 'stale-custom-id';
  readonly prefix: string;
}

export interface CustomIdCodec<Args> {
  readonly prefix: string;
  /** The custom id for `args`; throws if it would not decode again or exceeds Discord's 100 characters. */
  encode(args: Args): string;
  /** The typed parts after the prefix (`prefix:a:b` gives the parts of `['a', 'b']`). */
  decode(parts: readonly string[]): Result<Args, CustomIdProblem>;
}

/** A codec for ids `prefix:...` whose parts `schema` describes; without a schema, ids with no parts. */
export function customIdCodec<S extends CustomIdSchema = z.ZodTuple<[], null>>(prefix: string, schema?: S): CustomIdCodec<z.output<S>> {
  if (!PREFIX.test(prefix)) throw new Error(`custom id prefix "${prefix}" must be lower-case letters, digits and single hyphens`);
  const parts: CustomIdSchema = schema ?? z.tuple([]);
  const keys = parts instanceof z.ZodObject ? Object.keys(parts.shape) : null;

  /** The parts as zod reads them: an object by the shape's keys, or the tuple itself. */
  const toInput = (texts: readonly string[]): unknown => {
    if (!keys) return [...texts];
    if (texts.length !== keys.length) return undefined;
    return Object.fromEntries(keys.map((key, index) => [key, texts[index]]));
  };
  const toTexts = (encoded: unknown): string[] => (keys ? keys.map((key) => (encoded as Record<string, string>)[key]!) : (encoded as string[]));

  const decode = (texts: readonly string[]): Result<z.output<S>, CustomIdProblem> => {
    const decoded = z.safeDecode(parts as z.ZodType, toInput(texts));
    return decoded.success ? ok(decoded.data as z.output<S>) : err({ kind: 'stale-custom-id', prefix });
  };

  return {
    prefix,
    encode(args) {
      const texts = toTexts(z.encode(parts as z.ZodType, args));
      const id = [prefix, ...texts].join(SEPARATOR);
      if (texts.some((text) => text.includes(SEPARATOR)) || !decode(texts).ok) throw new Error(`custom id for "${prefix}" would not decode again`);
      if (id.length > CUSTOM_ID_MAX_LENGTH) throw new Error(`custom id over Discord's ${CUSTOM_ID_MAX_LENGTH} characters: ${prefix}`);
      return id;
    },
    decode,
  };
}

/** Splits a custom id into its prefix and the parts for that prefix's codec. */
export function splitCustomId(customId: string): { prefix: string; parts: string[] } {
  const [prefix = '', ...parts] = customId.split(SEPARATOR);
  return { prefix, parts };
}

// ----- Parts shared by several codecs.

/** An id the bot made (request, offer, meeting, alert: base64url or hex). */
export const idPart = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** A Discord id (user, message). */
export const snowflakePart = z.string().regex(/^\d{1,20}$/);

/** A whole number from `min` to `max`, written in decimal without leading zeros. */
export const wholeNumberPart = (min: number, max: number) =>
  z.codec(z.string().regex(/^(0|[1-9]\d{0,8})$/), z.int().min(min).max(max), { decode: Number, encode: String });
