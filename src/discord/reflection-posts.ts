import { createHash } from 'node:crypto';
import type { AttachmentPayload } from 'discord.js';
import { reflectionChartAltText, reflectionChartSvg, renderChartSvgAsync, type ChartLabels } from '../charts/reflection-chart.ts';
import { MATON_TYPES, type MatonType } from '../domain/help/maton.ts';
import type { WeeklyReflection } from '../domain/reflections/weekly-reflection.ts';
import type { ShownCount } from '../domain/small-numbers.ts';
import { text } from '../texts/texts.ts';
import { counted, shown } from './counts.ts';
import type { Reply } from './reply.ts';

export const REFLECTION_CHART_FILE = 'helper-circle-week.png';

/**
 * Formatters made once (per time zone) and reused: each new Intl.DateTimeFormat holds ICU objects in
 * native memory that V8 does not count, so a thousand reflections each making a dozen of them left
 * hundreds of MB waiting for a garbage collection that nothing prompted.
 */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
const day = (at: Date, timezone: string) => {
  let format = dayFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', day: 'numeric', month: 'short' });
    dayFormats.set(timezone, format);
  }
  return format.format(at);
};
/** Each week by its Monday, as "23 Nov" (the key is a local date, so read and shown as UTC). */
const weekLabelFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

const typeWords = (type: MatonType) => text(`reflection.type.${type}`);

const few = (value: ShownCount) => shown(value, 'reflection.few');

/**
 * The week in words: counts only, never a member's name or number, and never a count that could point
 * at one person (the reflection already groups those as "a few"). The type breakdown appears only when
 * enough members were active that no one can be singled out.
 */
export function reflectionContent(reflection: WeeklyReflection, options: { timezone: string; minActive: number; late: boolean }): string {
  const { meetings, requests, offers, tasks, balance, prompts, week } = reflection;
  const lines = [text('reflection.heading', { from: day(week.from, options.timezone), to: day(new Date(week.to.getTime() - 1), options.timezone) })];
  if (options.late) lines.push(text('reflection.late'));
  lines.push(
    meetings.held > 0
      ? text('reflection.meetings', {
          held: meetings.held,
          attendances: counted('reflection.count.attendance', meetings.attendances),
          attendees: counted('reflection.count.member', meetings.attendees),
        })
      : text('reflection.noMeetings'),
  );
  const requestsLine = text('reflection.requests', { raised: few(requests.raised), answered: few(requests.answered), open: few(requests.stillOpen) });
  lines.push(requests.stillOpen !== 0 ? `${requestsLine} ${text('reflection.openInvite')}` : requestsLine);
  lines.push(text('reflection.offers', { made: few(offers.made), confirmed: few(offers.confirmed) }));
  lines.push(text('reflection.tasks', { committed: few(tasks.committed), reported: few(tasks.reported) }));
  lines.push('');
  if (balance.shown) {
    const { counts, change } = balance;
    lines.push(
      text('reflection.balance', {
        bidirectional: few(counts.bidirectional),
        provider: few(counts.provider),
        receiver: few(counts.receiver),
        low: few(counts.low),
      }),
    );
    // Only changes big enough not to point at anyone are given (the reflection leaves the others out).
    const changes = MATON_TYPES.flatMap((type) => {
      const difference = change?.[type];
      if (difference === undefined || difference === 0) return [];
      return [text(difference > 0 ? 'reflection.change.more' : 'reflection.change.fewer', { count: Math.abs(difference), type: typeWords(type) })];
    });
    if (changes.length > 0) lines.push(text('reflection.balanceChange', { changes: changes.join(', ') }));
  } else {
    lines.push(text('reflection.balanceSoft', { min: options.minActive }));
  }
  lines.push('', ...promptLines(prompts), '', text('reflection.axiom'));
  return lines.join('\n');
}

/** The week's two questions, about helping and about needs, as the reflection and each member's /stats ask them. */
export function promptLines(prompts: { readonly helping: string; readonly needs: string }): [string, string] {
  // docs/research.md: a reflection always asks what support members would like next week; the rotating
  // needs prompt adds a second, different way of asking.
  const always = text('reflection.needsAlways');
  const needs = prompts.needs === always ? always : `${always} ${prompts.needs}`;
  return [text('reflection.helpingPrompt', { prompt: prompts.helping }), text('reflection.needsPrompt', { prompt: needs })];
}

export function chartLabels(minActive: number): ChartLabels {
  return {
    title: text('chart.title'),
    givers: text('chart.givers'),
    receivers: text('chart.receivers'),
    offers: text('chart.offers'),
    balanceTitle: text('chart.balanceTitle'),
    noBalance: text('chart.noBalance', { min: minActive }),
    few: text('chart.few'),
    fewNote: text('chart.fewNote'),
    weekLabel: (weekKey) => weekLabelFormat.format(new Date(`${weekKey}T00:00:00Z`)),
    types: {
      bidirectional: text('chart.type.bidirectional'),
      provider: text('chart.type.provider'),
      receiver: text('chart.type.receiver'),
      low: text('chart.type.low'),
    },
  };
}

/** The whole post: words, and the chart as a PNG with its alt text as the attachment description. */
export async function reflectionReply(
  reflection: WeeklyReflection,
  options: { timezone: string; minActive: number; late: boolean },
): Promise<Reply & { files: AttachmentPayload[] }> {
  // Drawn off the main thread, so interactions keep being answered while charts render.
  return reflectionPost(reflection, options, await renderChartSvgAsync(reflectionChartSvg(reflection, chartLabels(options.minActive))));
}

/**
 * The SVG a reflection's chart is drawn from, and its fingerprint: a chart drawn ahead of the slot is
 * posted only if the fingerprint is still the same at the slot (the same SVG draws the same PNG).
 */
export function reflectionChartSource(reflection: WeeklyReflection, minActive: number): { svg: string; fingerprint: string } {
  const svg = reflectionChartSvg(reflection, chartLabels(minActive));
  return { svg, fingerprint: createHash('sha1').update(svg).digest('base64') };
}

/** The whole post with its chart already drawn: the words and alt text always from `reflection` itself. */
export function reflectionPost(
  reflection: WeeklyReflection,
  options: { timezone: string; minActive: number; late: boolean },
  png: Buffer,
): Reply & { files: AttachmentPayload[] } {
  const altText = reflectionChartAltText(reflection, chartLabels(options.minActive));
  return {
    content: reflectionContent(reflection, options),
    files: [{ attachment: png, name: REFLECTION_CHART_FILE, description: altText.slice(0, 1024) }],
  };
}

/** `/reflection preview`: the post as it would read, privately, under a note saying so. */
export function reflectionPreview(message: Reply & { files: AttachmentPayload[] }): Reply {
  return { ...message, content: `${text('reflection.previewNote')}\n\n${message.content}` };
}

/** `/reflection post`: where it went, and whether it stands for this week's scheduled one. */
export const reflectionPosted = (asScheduled: boolean, circleChannelId: string): Reply => ({
  content: text(asScheduled ? 'reflection.postedAsScheduled' : 'reflection.posted', { channel: `<#${circleChannelId}>` }),
});

/** `/reflection post` when the post did not go: plainly, and that this week's scheduled reflection is not used up. */
export const reflectionNotPosted = (circleChannelId: string): Reply => ({
  content: text('reflection.notPosted', { channel: `<#${circleChannelId}>` }),
});
