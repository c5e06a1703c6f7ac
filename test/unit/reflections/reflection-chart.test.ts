import { describe, expect, it } from 'vitest';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  niceScale,
  reflectionChartAltText,
  reflectionChartSvg,
  renderReflectionChart,
  renderChartSvgAsync,
  type ChartLabels,
} from '../../../src/charts/reflection-chart.ts';
import { composeReflection, type WeeklyReflection } from '../../../src/domain/reflections/weekly-reflection.ts';
import { acted, EXACTLY, inputFor, offered } from './fixtures.ts';

const LABELS: ChartLabels = {
  title: 'Giving and receiving, last 8 weeks',
  givers: 'Members who gave help',
  receivers: 'Members who received help',
  offers: 'Offers made',
  balanceTitle: "This week's balance (last 28 days)",
  noBalance: 'Balance kept private: fewer than 5 members active',
  types: { bidirectional: 'Gave and received', provider: 'Mostly gave', receiver: 'Mostly received', low: 'Took part in other ways' },
  few: 'a few',
  fewNote: 'Striped or hollow: a few',
};

// Snowflake-like member ids, so a leak would be easy to spot.
const ids = ['112233445566778899', '223344556677889900', '334455667788990011', '445566778899001122', '556677889900112233', '667788990011223344'];
const WEEK = '2026-06-10T12:00:00.000Z';

/**
 * Six members this week (each of the first five offers help to the next one; the sixth also checks in)
 * and two offers three weeks ago (0 -> 1, 2 -> 1). Over 28 days, given: 2, 1, 2, 1, 1, 0 and received:
 * 0, 3, 1, 1, 1, 1, both medians 1: member 0 a provider, 1 to 4 bidirectional, 5 a receiver.
 */
const sixMembers = [
  ...ids.slice(0, 5).map((id, index) => offered(id, ids[index + 1]!, `2026-06-${String(index + 8).padStart(2, '0')}T10:00:00.000Z`)),
  acted(ids[5]!, 'meeting-1', '2026-06-09T18:00:00.000Z'),
  offered(ids[0]!, ids[1]!, '2026-05-20T10:00:00.000Z'),
  offered(ids[2]!, ids[1]!, '2026-05-21T10:00:00.000Z'),
];
/** With the shipped threshold (5): three weeks ago three members were active, so its 2s read "a few"; so do type counts below 5. */
const shown = composeReflection(inputFor(WEEK, sixMembers));
/** The same weeks, every count exact. */
const exact = composeReflection(inputFor(WEEK, sixMembers, EXACTLY));
const hidden = composeReflection(
  inputFor(WEEK, [offered(ids[0]!, ids[1]!, '2026-06-09T10:00:00.000Z'), offered(ids[2]!, ids[3]!, '2026-06-09T11:00:00.000Z')]),
);

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('the reflection chart as a PNG', () => {
  const chart = renderReflectionChart(shown, LABELS);

  it('GIVEN a reflection THEN the chart is a PNG (signature bytes, then the IHDR chunk)', () => {
    expect([...chart.png.subarray(0, 8), chart.png.subarray(12, 16).toString('latin1')]).toEqual([...PNG_SIGNATURE, 'IHDR']);
  });

  it('GIVEN a reflection THEN the PNG header says 1000 x 500 pixels, as the result does', () => {
    expect([chart.png.readUInt32BE(16), chart.png.readUInt32BE(20), chart.width, chart.height]).toEqual([CHART_WIDTH, CHART_HEIGHT, 1000, 500]);
  });

  it('GIVEN the same reflection twice THEN the PNG is byte for byte the same', () => {
    expect(renderReflectionChart(shown, LABELS).png.equals(chart.png)).toBe(true);
  });

  it('GIVEN no system fonts THEN the words are still drawn with the packaged font', () => {
    const withoutTitle = renderReflectionChart(shown, { ...LABELS, title: '' });
    expect(withoutTitle.png.equals(chart.png)).toBe(false);
  });

  it('GIVEN a balance too small to show THEN the chart still renders at the same size', () => {
    const small = renderReflectionChart(hidden, LABELS);
    expect([small.png.readUInt32BE(16), small.png.readUInt32BE(20)]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
  });

  it('GIVEN labels with &, <, > and quotes THEN they are escaped and the chart renders', () => {
    const labels = { ...LABELS, title: 'Give & take <together> "always" \'now\'' };
    expect(reflectionChartSvg(shown, labels)).toContain('Give &amp; take &lt;together&gt; &quot;always&quot; &apos;now&apos;');
    expect(renderReflectionChart(shown, labels).width).toBe(CHART_WIDTH);
  });

  it('GIVEN the async renderer THEN it makes the same PNG', async () => {
    expect((await renderChartSvgAsync(reflectionChartSvg(shown, LABELS))).equals(chart.png)).toBe(true);
  });
});

describe('what the chart draws', () => {
  it('GIVEN a balance shown THEN every type is labelled', () => {
    const svg = reflectionChartSvg(shown, LABELS);
    expect(Object.values(LABELS.types).filter((label) => svg.includes(`>${label}</text>`))).toEqual(Object.values(LABELS.types));
  });

  it('GIVEN a balance shown THEN its four counts are drawn in type order', () => {
    const counts = [...reflectionChartSvg(exact, LABELS).matchAll(/font-size="18"[^>]*>(\d+)<\/text>/g)].map((match) => Number(match[1]));
    expect(counts).toEqual([4, 1, 1, 0]);
  });

  it('GIVEN type counts below the threshold THEN they are drawn as "a few", striped, and 0 stays 0', () => {
    const svg = reflectionChartSvg(shown, LABELS);
    const counts = [...svg.matchAll(/font-size="18"[^>]*>([^<]+)<\/text>/g)].map((match) => match[1]);
    expect([counts, svg.includes('fill="url(#few-typeBar)"')]).toEqual([['a few', 'a few', 'a few', '0'], true]);
  });

  it('GIVEN bars of 1 or 2 in a small week THEN they are striped, drawn between the grid lines, and the note says what stripes mean', () => {
    const svg = reflectionChartSvg(shown, LABELS);
    expect([svg.includes('fill="url(#few-givers)"'), svg.includes('fill="url(#few-receivers)"'), svg.includes('>Striped or hollow: a few</text>')]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('GIVEN every count exact THEN nothing is striped and there is no note about "a few"', () => {
    const svg = reflectionChartSvg(exact, LABELS);
    expect([svg.includes('url(#few-'), svg.includes('Striped or hollow')]).toEqual([false, false]);
  });

  it('GIVEN a balance not shown THEN no type is drawn, only the note that it stays private', () => {
    const svg = reflectionChartSvg(hidden, LABELS);
    expect(Object.values(LABELS.types).filter((label) => svg.includes(label))).toEqual([]);
    expect(svg).toContain('>Balance kept private:');
  });

  it('GIVEN the week labels THEN each of the eight weeks is labelled, by default with its month and day', () => {
    const svg = reflectionChartSvg(shown, LABELS);
    expect(shown.chart.map((week) => svg.includes(`>${week.weekKey.slice(5)}</text>`))).toEqual(Array(8).fill(true));
  });

  it('GIVEN a week label formatter THEN the weeks are labelled with its words', () => {
    const svg = reflectionChartSvg(shown, { ...LABELS, weekLabel: (key) => `W${key.slice(8)}` });
    expect(svg).toContain('>W08</text>');
  });

  it('GIVEN member ids in the ledger THEN none appears in the SVG or the alt text', () => {
    const words = reflectionChartSvg(shown, LABELS) + reflectionChartAltText(shown, LABELS);
    expect(ids.filter((id) => words.includes(id))).toEqual([]);
  });
});

describe('the chart alt text', () => {
  it('GIVEN a reflection THEN the alt text gives each series week by week, oldest first', () => {
    const alt = reflectionChartAltText(exact, LABELS);
    expect(alt).toContain(
      'Members who gave help: 0, 0, 0, 0, 2, 0, 0, 5. Members who received help: 0, 0, 0, 0, 1, 0, 0, 5. Offers made: 0, 0, 0, 0, 2, 0, 0, 5.',
    );
  });

  it('GIVEN 1s and 2s in a small week THEN the alt text says "a few" for them, never the number', () => {
    const alt = reflectionChartAltText(shown, LABELS);
    expect(alt).toContain(
      'Members who gave help: 0, 0, 0, 0, a few, 0, 0, 5. Members who received help: 0, 0, 0, 0, a few, 0, 0, 5. Offers made: 0, 0, 0, 0, a few, 0, 0, 5.',
    );
  });

  it('GIVEN a reflection THEN the alt text names the weeks charted', () => {
    expect(reflectionChartAltText(shown, LABELS)).toContain('Giving and receiving, last 8 weeks (2026-04-20 – 2026-06-08).');
  });

  it('GIVEN a balance shown THEN the alt text gives each type with its count', () => {
    expect(reflectionChartAltText(exact, LABELS)).toContain(
      "This week's balance (last 28 days): Gave and received 4, Mostly gave 1, Mostly received 1, Took part in other ways 0.",
    );
  });

  it('GIVEN type counts below the threshold THEN the alt text says "a few" for them', () => {
    expect(reflectionChartAltText(shown, LABELS)).toContain(
      "This week's balance (last 28 days): Gave and received a few, Mostly gave a few, Mostly received a few, Took part in other ways 0.",
    );
  });

  it('GIVEN a balance not shown THEN the alt text says it stays private and gives no type', () => {
    const alt = reflectionChartAltText(hidden, LABELS);
    expect([alt.includes('Balance kept private: fewer than 5 members active.'), Object.values(LABELS.types).some((label) => alt.includes(label))]).toEqual([
      true,
      false,
    ]);
  });

  it('GIVEN very long labels THEN the alt text is cut to 1024 characters', () => {
    const long = 'word '.repeat(150);
    const alt = reflectionChartAltText(shown, { ...LABELS, title: long, givers: long });
    expect([alt.length, alt.endsWith('…')]).toEqual([1024, true]);
  });

  it('GIVEN the rendered chart THEN its alt text is the one described', () => {
    expect(renderReflectionChart(shown, LABELS).altText).toBe(reflectionChartAltText(shown, LABELS));
  });
});

describe('the value axis', () => {
  it('GIVEN a week with nothing THEN the axis still runs from 0 to 1', () => {
    expect(niceScale(0)).toEqual({ max: 1, step: 1 });
  });

  it('GIVEN a peak of 7 THEN the axis goes to 8 in steps of 2', () => {
    expect(niceScale(7)).toEqual({ max: 8, step: 2 });
  });

  it('GIVEN a peak of 12 THEN the axis goes to 15 in steps of 5', () => {
    expect(niceScale(12)).toEqual({ max: 15, step: 5 });
  });

  it('GIVEN a peak of 24,300 offers THEN the axis goes to 25,000 in steps of 5,000', () => {
    expect(niceScale(24_300)).toEqual({ max: 25_000, step: 5_000 });
  });
});

describe('a chart for any reflection shape', () => {
  it('GIVEN a hand-built reflection with a change since last week THEN it renders', () => {
    const reflection: WeeklyReflection = {
      ...shown,
      balance: { shown: true, counts: { bidirectional: 1, provider: 2, receiver: 3, low: 4 }, change: { bidirectional: 1, provider: -1, receiver: 0, low: 0 } },
    };
    expect(renderReflectionChart(reflection, LABELS).height).toBe(CHART_HEIGHT);
  });
});
