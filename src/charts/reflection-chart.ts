import { createRequire } from 'node:module';
import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import { MATON_TYPES, type MatonType } from '../domain/help/maton.ts';
import type { WeeklyReflection } from '../domain/reflections/weekly-reflection.ts';
import { drawnValue, type ShownCount } from '../domain/small-numbers.ts';

/**
 * The weekly reflection's picture: eight weeks of help given and received in the group (distinct givers
 * and receivers as bars, offers made as a dashed line) and, when the week was big enough to show it,
 * this week's balance of Maton types as four labelled counts. Counts only: nothing here can name a member.
 * A count the reflection groups as "a few" (1 or 2 in a small week, a type count below the threshold;
 * src/domain/small-numbers.ts) is drawn striped at 1.5, between the grid lines, labelled "a few" in
 * words and in the alt text, so no exact value can be read off the picture.
 *
 * Drawn as SVG and rendered in-process by resvg with the Inter font from its npm package and no system
 * fonts, so it looks the same on any machine. The card paints its own opaque dark background with light
 * text, which reads well in Discord's dark and light themes; the two series are blue and orange
 * (Okabe-Ito, safe for the common colour-vision deficiencies) and offers differ by shape, not only colour.
 */

/** Every word drawn or described: passed in so they come from data/ (texts), never from code. */
export interface ChartLabels {
  readonly title: string;
  readonly givers: string;
  readonly receivers: string;
  readonly offers: string;
  /** Heading of the balance panel, e.g. "This week's balance (last 28 days)". */
  readonly balanceTitle: string;
  /** Shown in the balance panel instead of the breakdown when the week was too small. */
  readonly noBalance: string;
  readonly types: Readonly<Record<MatonType, string>>;
  /** How a grouped count reads, e.g. "a few". */
  readonly few: string;
  /** Under the plot when something is drawn as "a few", e.g. "Striped: a few". */
  readonly fewNote: string;
  /** A note under the plot, e.g. "members per week". Optional. */
  readonly axisNote?: string;
  /** The label under each week; default the Monday's month and day from the week key ("04-20"). */
  readonly weekLabel?: (weekKey: string) => string;
}

export interface RenderedChart {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  /** The chart in words, for the attachment description (at most 1024 characters). */
  readonly altText: string;
}

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 500;
export const ALT_TEXT_MAX_LENGTH = 1024;

const COLOURS = {
  background: '#1E2229',
  panel: '#272C35',
  highlight: '#2C323C',
  text: '#F2F3F5',
  muted: '#B4BAC4',
  grid: '#3A404C',
  axis: '#6B7280',
  givers: '#56B4E9', // Okabe-Ito sky blue
  receivers: '#E69F00', // Okabe-Ito orange
  offers: '#E4E7EB',
  typeBar: '#C9CED6',
  typeTrack: '#3A404C',
} as const;

const FONT = 'Inter';
const require = createRequire(import.meta.url);
const FONT_FILES = [
  require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'),
  require.resolve('@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf'),
];

/** How every reflection chart is rendered (also handed to the chart drawer's thread, so plain data). */
export const CHART_RENDER_OPTIONS: ResvgRenderOptions = {
  font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT, sansSerifFamily: FONT },
  fitTo: { mode: 'original' },
  shapeRendering: 2,
  textRendering: 1,
  logLevel: 'off',
};

export function renderReflectionChart(reflection: WeeklyReflection, labels: ChartLabels): RenderedChart {
  const image = new Resvg(reflectionChartSvg(reflection, labels), CHART_RENDER_OPTIONS).render();
  return { png: image.asPng(), width: image.width, height: image.height, altText: reflectionChartAltText(reflection, labels) };
}

/**
 * A chart's SVG (reflectionChartSvg) as a PNG, parsed and rasterised on libuv's thread pool so the event
 * loop stays freer while many guilds' charts are drawn; the PNG encoding still runs on the caller's thread.
 */
export async function renderChartSvgAsync(svg: string): Promise<Buffer> {
  return (await renderAsync(svg, CHART_RENDER_OPTIONS)).asPng();
}

const defaultWeekLabel = (weekKey: string) => weekKey.slice(5);

/** The SVG drawn for the PNG (exported for tests and for anyone wanting a vector copy). */
export function reflectionChartSvg(reflection: WeeklyReflection, labels: ChartLabels): string {
  const weekLabel = labels.weekLabel ?? defaultWeekLabel;
  const parts: string[] = [];
  const W = CHART_WIDTH;
  const H = CHART_HEIGHT;
  const pad = 32;

  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="${COLOURS.background}"/>`);
  // Stripes for counts drawn as "a few".
  parts.push(
    `<defs>${(['givers', 'receivers', 'typeBar'] as const)
      .map(
        (series) =>
          `<pattern id="few-${series}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="${COLOURS[series]}"/></pattern>`,
      )
      .join('')}</defs>`,
  );

  // Title, shrunk to fit if a translation is long.
  const titleSize = fitSize(labels.title, W - 2 * pad, 26, 16, 'semibold');
  parts.push(text(pad, 50, clip(labels.title, W - 2 * pad, titleSize, 'semibold'), { size: titleSize, weight: 600, fill: COLOURS.text }));

  // Legend: two swatches and a dashed line with a marker.
  const legend = [
    { label: labels.givers, kind: 'bar' as const, colour: COLOURS.givers },
    { label: labels.receivers, kind: 'bar' as const, colour: COLOURS.receivers },
    { label: labels.offers, kind: 'line' as const, colour: COLOURS.offers },
  ];
  const legendSwatch = 28;
  const legendGap = 28;
  const legendRoom = W - 2 * pad - legend.length * (legendSwatch + legendGap);
  const legendSize = fitSize(legend.map((item) => item.label).join(''), legendRoom, 15, 11, 'regular');
  let legendX = pad;
  const legendY = 86;
  for (const item of legend) {
    if (item.kind === 'bar') {
      parts.push(`<rect x="${legendX}" y="${legendY - 11}" width="16" height="14" rx="2" fill="${item.colour}"/>`);
    } else {
      parts.push(
        `<line x1="${legendX - 2}" y1="${legendY - 4}" x2="${legendX + 18}" y2="${legendY - 4}" stroke="${item.colour}" stroke-width="2" stroke-dasharray="5 3"/>`,
      );
      parts.push(diamond(legendX + 8, legendY - 4, 5, item.colour));
    }
    const label = clip(item.label, legendRoom / legend.length + 60, legendSize, 'regular');
    parts.push(text(legendX + legendSwatch - 4, legendY + 1, label, { size: legendSize, fill: COLOURS.text }));
    legendX += legendSwatch + textWidth(label, legendSize, 'regular') + legendGap;
  }

  // The plot: eight weeks, oldest on the left.
  const plot = { left: pad + 44, right: 640, top: 124, bottom: 420 };
  const weeks = reflection.chart;
  const values = weeks.flatMap((week) => [week.givers, week.receivers, week.offers]);
  const anyFew =
    values.includes('few') || (reflection.balance.shown && MATON_TYPES.some((type) => reflection.balance.shown && reflection.balance.counts[type] === 'few'));
  // With "a few" drawn at 1.5, the axis reaches at least 3 so the striped bars sit between grid lines.
  const peak = Math.max(1, values.includes('few') ? 3 : 0, ...values.map(drawnValue));
  const { max, step } = niceScale(peak);
  const y = (value: number) => plot.bottom - (value / max) * (plot.bottom - plot.top);
  const groupWidth = (plot.right - plot.left) / Math.max(1, weeks.length);
  const barWidth = Math.min(24, groupWidth * 0.3);

  if (weeks.length > 0) {
    const last = weeks.length - 1;
    parts.push(
      `<rect x="${fmt(plot.left + last * groupWidth + 2)}" y="${plot.top - 10}" width="${fmt(groupWidth - 4)}" height="${plot.bottom - plot.top + 44}" rx="6" fill="${COLOURS.highlight}"/>`,
    );
  }
  for (let tick = 0; tick <= max; tick += step) {
    const ty = fmt(y(tick));
    parts.push(`<line x1="${plot.left}" y1="${ty}" x2="${plot.right}" y2="${ty}" stroke="${tick === 0 ? COLOURS.axis : COLOURS.grid}" stroke-width="1"/>`);
    parts.push(text(plot.left - 10, y(tick) + 4, String(tick), { size: 12, fill: COLOURS.muted, anchor: 'end' }));
  }
  const centres: Array<[number, number, boolean]> = [];
  weeks.forEach((week, index) => {
    const centre = plot.left + (index + 0.5) * groupWidth;
    for (const [value, x, series] of [
      [week.givers, centre - barWidth - 2, 'givers'],
      [week.receivers, centre + 2, 'receivers'],
    ] as const) {
      const drawn = drawnValue(value);
      const fill = value === 'few' ? `url(#few-${series})` : COLOURS[series];
      if (drawn > 0) parts.push(`<rect x="${fmt(x)}" y="${fmt(y(drawn))}" width="${fmt(barWidth)}" height="${fmt(plot.bottom - y(drawn))}" fill="${fill}"/>`);
    }
    centres.push([centre, y(drawnValue(week.offers)), week.offers === 'few']);
    const isThisWeek = index === weeks.length - 1;
    const label = clip(weekLabel(week.weekKey), groupWidth - 4, 12, isThisWeek ? 'semibold' : 'regular');
    parts.push(
      text(centre, plot.bottom + 22, label, { size: 12, weight: isThisWeek ? 600 : 400, fill: isThisWeek ? COLOURS.text : COLOURS.muted, anchor: 'middle' }),
    );
  });
  if (centres.length > 0) {
    parts.push(
      `<polyline points="${centres.map(([cx, cy]) => `${fmt(cx)},${fmt(cy)}`).join(' ')}" fill="none" stroke="${COLOURS.offers}" stroke-width="2" stroke-dasharray="6 4" stroke-linejoin="round"/>`,
    );
    // A grouped ("a few") point is hollow.
    for (const [cx, cy, few] of centres) parts.push(diamond(cx, cy, 5, few ? COLOURS.background : COLOURS.offers, few ? COLOURS.offers : COLOURS.background));
  }
  const notes = [labels.axisNote, anyFew ? labels.fewNote : undefined].filter((note): note is string => Boolean(note)).join('   ');
  if (notes !== '') {
    parts.push(text(plot.left, H - 24, clip(notes, plot.right - plot.left, 12, 'regular'), { size: 12, fill: COLOURS.muted }));
  }

  // The balance panel: four labelled counts, or the soft note when the week was too small.
  const panel = { left: 680, right: W - pad, top: 112, bottom: H - pad };
  const inner = panel.right - panel.left - 40;
  parts.push(
    `<rect x="${panel.left}" y="${panel.top}" width="${panel.right - panel.left}" height="${panel.bottom - panel.top}" rx="10" fill="${COLOURS.panel}"/>`,
  );
  let cursor = panel.top + 36;
  for (const line of wrap(labels.balanceTitle, inner, 16, 'semibold', 3)) {
    parts.push(text(panel.left + 20, cursor, line, { size: 16, weight: 600, fill: COLOURS.text }));
    cursor += 22;
  }
  cursor += 16;
  const { balance } = reflection;
  if (balance.shown) {
    const total = MATON_TYPES.reduce((sum, type) => sum + drawnValue(balance.counts[type]), 0);
    const rowHeight = Math.min(68, (panel.bottom - 16 - cursor) / MATON_TYPES.length);
    for (const type of MATON_TYPES) {
      const shown = balance.counts[type];
      const count = drawnValue(shown);
      const countText = countWords(shown, labels);
      const countWidth = textWidth(countText, 18, 'semibold');
      parts.push(text(panel.left + 20, cursor + 14, clip(labels.types[type], inner - countWidth - 12, 14, 'regular'), { size: 14, fill: COLOURS.text }));
      parts.push(text(panel.right - 20, cursor + 15, countText, { size: 18, weight: 600, fill: COLOURS.text, anchor: 'end' }));
      parts.push(`<rect x="${panel.left + 20}" y="${fmt(cursor + 24)}" width="${inner}" height="10" rx="5" fill="${COLOURS.typeTrack}"/>`);
      const fill = shown === 'few' ? 'url(#few-typeBar)' : COLOURS.typeBar;
      if (count > 0)
        parts.push(
          `<rect x="${panel.left + 20}" y="${fmt(cursor + 24)}" width="${fmt(Math.max(10, (count / Math.max(1, total)) * inner))}" height="10" rx="5" fill="${fill}"/>`,
        );
      cursor += rowHeight;
    }
  } else {
    for (const line of wrap(labels.noBalance, inner, 15, 'regular', 8)) {
      parts.push(text(panel.left + 20, cursor + 8, line, { size: 15, fill: COLOURS.muted }));
      cursor += 22;
    }
  }

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">${parts.join('')}</svg>`;
}

/**
 * The chart in words, from the labels and the numbers only: the weeks charted, each series oldest
 * first, and this week's balance or the note that it stays private. At most 1024 characters.
 */
export function reflectionChartAltText(reflection: WeeklyReflection, labels: ChartLabels): string {
  const weekLabel = labels.weekLabel ?? ((key: string) => key);
  const weeks = reflection.chart;
  const sentences: string[] = [];
  const first = weeks[0];
  const last = weeks[weeks.length - 1];
  sentences.push(first && last ? `${bare(labels.title)} (${weekLabel(first.weekKey)} – ${weekLabel(last.weekKey)})` : bare(labels.title));
  sentences.push(`${bare(labels.givers)}: ${weeks.map((week) => countWords(week.givers, labels)).join(', ')}`);
  sentences.push(`${bare(labels.receivers)}: ${weeks.map((week) => countWords(week.receivers, labels)).join(', ')}`);
  sentences.push(`${bare(labels.offers)}: ${weeks.map((week) => countWords(week.offers, labels)).join(', ')}`);
  const { balance } = reflection;
  sentences.push(
    balance.shown
      ? `${bare(labels.balanceTitle)}: ${MATON_TYPES.map((type) => `${bare(labels.types[type])} ${countWords(balance.counts[type], labels)}`).join(', ')}`
      : `${bare(labels.balanceTitle)}: ${bare(labels.noBalance)}`,
  );
  const alt = sentences.map((sentence) => `${sentence}.`).join(' ');
  return alt.length <= ALT_TEXT_MAX_LENGTH ? alt : `${alt.slice(0, ALT_TEXT_MAX_LENGTH - 1)}…`;
}

/** A count as drawn in words: the number, or the label for "a few". */
const countWords = (value: ShownCount, labels: ChartLabels) => (value === 'few' ? labels.few : String(value));

/** A label without trailing full stops or spaces, so sentences can be joined with ". ". */
const bare = (label: string) => label.trim().replace(/[.\s]+$/u, '');

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);
}

const fmt = (value: number) => (Math.round(value * 10) / 10).toString();

function text(x: number, y: number, content: string, style: { size: number; fill: string; weight?: 400 | 600; anchor?: 'start' | 'middle' | 'end' }): string {
  const anchor = style.anchor && style.anchor !== 'start' ? ` text-anchor="${style.anchor}"` : '';
  const weight = style.weight === 600 ? ' font-weight="600"' : '';
  return `<text x="${fmt(x)}" y="${fmt(y)}" font-size="${style.size}"${weight} fill="${style.fill}"${anchor}>${escapeXml(content)}</text>`;
}

function diamond(cx: number, cy: number, r: number, fill: string, stroke: string = COLOURS.background): string {
  return `<path d="M${fmt(cx)} ${fmt(cy - r)}L${fmt(cx + r)} ${fmt(cy)}L${fmt(cx)} ${fmt(cy + r)}L${fmt(cx - r)} ${fmt(cy)}Z" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`;
}

/** Integer ticks of 1, 2 or 5 times a power of ten, at most five steps above zero. */
export function niceScale(peak: number): { max: number; step: number } {
  const top = Math.max(1, Math.ceil(peak));
  for (let power = 1; ; power *= 10) {
    for (const base of [1, 2, 5]) {
      const step = base * power;
      if (Math.ceil(top / step) <= 5) return { max: Math.ceil(top / step) * step, step };
    }
  }
}

/**
 * Inter's advance widths, roughly, in ems: enough to lay out and wrap labels without measuring glyphs.
 * Slightly generous so estimates err on the side of room.
 */
function charWidth(char: string): number {
  if (/[ilI.,:;'!|]/.test(char)) return 0.3;
  if (/[fjrt()\-[\] ]/.test(char)) return 0.38;
  if (/[mwMW]/.test(char)) return 0.88;
  if (/[A-Z]/.test(char)) return 0.7;
  if (/[0-9]/.test(char)) return 0.62;
  return 0.58;
}

function textWidth(value: string, size: number, weight: 'regular' | 'semibold'): number {
  let ems = 0;
  for (const char of value) ems += charWidth(char);
  return ems * size * (weight === 'semibold' ? 1.04 : 1);
}

function fitSize(value: string, room: number, size: number, minSize: number, weight: 'regular' | 'semibold'): number {
  let fitted = size;
  while (fitted > minSize && textWidth(value, fitted, weight) > room) fitted -= 1;
  return fitted;
}

/** The text, cut with an ellipsis if it would still be wider than `room`. */
function clip(value: string, room: number, size: number, weight: 'regular' | 'semibold'): string {
  if (textWidth(value, size, weight) <= room) return value;
  const chars = [...value];
  while (chars.length > 1 && textWidth(`${chars.join('')}…`, size, weight) > room) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** Greedy word wrap by estimated width into at most `maxLines`; anything cut off ends in an ellipsis. */
function wrap(value: string, room: number, size: number, weight: 'regular' | 'semibold', maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of value.split(/\s+/u).filter((part) => part !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (textWidth(candidate, size, weight) <= room || line === '') line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = clip(`${lines[maxLines - 1]!}…`, room, size, weight);
  }
  return lines.map((each) => clip(each, room, size, weight));
}
