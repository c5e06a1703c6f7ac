import type { Client, TextChannel } from 'discord.js';
import { ChartDrawer } from '../charts/chart-drawer.ts';
import { renderChartSvgAsync } from '../charts/reflection-chart.ts';
import type { Logger } from '../logging/logger.ts';
import type { ReflectionService } from '../services/reflection-service.ts';
import { postNonce } from './nonce.ts';
import { reflectionChartSource, reflectionPost } from './reflection-posts.ts';

/** How long before its slot a reflection's chart is drawn, so the slot's minute is only posting. */
export const REFLECTION_LEAD_MINUTES = 15;
/**
 * Drawing ahead stops after this long in one tick and goes on at the next, so the minute's other jobs
 * (schedules, crisis follow-ups) are not held up. 15 minutes of ticks draw thousands of charts.
 */
const PREPARE_BUDGET_MS = 10_000;
/**
 * Reflections posted at the same time at the slot. With the charts drawn ahead, a post is a read or
 * two and a send, so several in flight keep Discord's rate limit (not the bot) the only wait; the
 * discord.js queue spaces them to the limit.
 */
const POSTS_AT_ONCE = 4;
/** Posts are spaced this much wider than the rate limit alone allows (see pace()). */
const PACE_MARGIN = 1.03;
/** At most this much PNG kept ready (about 2,000 charts); beyond it, a chart is drawn at its slot. */
const READY_MAX_BYTES = 64 * 1024 * 1024;

/** A reflection's chart drawn ahead of its slot `key`, and the fingerprint of what it was drawn from. */
interface ReadyChart {
  readonly key: string;
  readonly fingerprint: string;
  readonly png: Buffer;
}

export interface ReflectionConductorOptions {
  /** Default {@link REFLECTION_LEAD_MINUTES}. */
  readonly leadMinutes?: number;
  /** Default {@link PREPARE_BUDGET_MS}. */
  readonly prepareBudgetMs?: number;
}

/**
 * Posts each circle's weekly reflection at its slot, once, across restarts and processes: the slot is
 * held in memory while posting (each guild is served by one process, whose ticks and interactions
 * share the hold) and stored as posted once Discord took the post, and the post carries a nonce built
 * from the slot, which Discord enforces. If the post fails (Discord refuses it, the channel is gone),
 * the slot stays due and is tried again at later ticks, up to 5 attempts over about 80 minutes
 * (REFLECTION_RETRY_MINUTES); then the week is given up with one log line. Down at the slot, it posts
 * late within 24 hours, saying so; later than that, the week is skipped with a log line.
 *
 * Charts are costly to draw (tens of ms each), so they are drawn ahead: from `leadMinutes` before the
 * slot, each coming reflection is composed and its chart drawn, one at a time on the chart drawer's
 * thread, and kept ready in memory as a PNG. At the slot each reflection is composed again (a read or
 * two) and its words written then; the ready chart is posted only if it was drawn from the same
 * numbers (the same SVG), else the chart is drawn again. So a help event between preparing and the slot
 * is never lost, and the slot redraws only the guilds whose numbers changed.
 *
 * Ready charts are kept in memory, not stored: they are derived and cheap to draw again, storing them
 * would put megabytes of writes on the store just before the busy minute, and the slot checks them
 * anyway. Exactly once is the stored slot's job, not theirs: after a restart the next tick prepares
 * the coming ones again (or, at or after the slot, draws them then, as before).
 */
export class ReflectionConductor {
  private readonly ready = new Map<string, ReadyChart>();
  private readyBytes = 0;
  private readonly drawer = new ChartDrawer();
  private readonly leadMs: number;
  private readonly prepareBudgetMs: number;
  /** When the next post may be sent, on performance.now()'s clock (see pace()). */
  private nextSendAt = 0;

  constructor(
    private readonly client: Client,
    private readonly reflections: ReflectionService,
    private readonly logger: Logger,
    options: ReflectionConductorOptions = {},
  ) {
    this.leadMs = (options.leadMinutes ?? REFLECTION_LEAD_MINUTES) * 60_000;
    this.prepareBudgetMs = options.prepareBudgetMs ?? PREPARE_BUDGET_MS;
  }

  /** One pass (a job of the minute ticker): post the reflections whose slot has come, then prepare coming ones. */
  async tick(): Promise<void> {
    await this.postDue();
    await this.prepareComing();
  }

  /** Composes and posts the reflection of the week of `at` in the circle channel; `key` makes a retry idempotent. */
  async post(guildId: string, at: Date, late: boolean, key: string): Promise<string | null> {
    // A one-off (`/reflection post`): drawn on the thread pool, unless a chart drawn ahead still fits.
    return (await this.send(guildId, at, late, key, renderChartSvgAsync))?.channelId ?? null;
  }

  /**
   * Every reflection whose slot has come, a few at a time. Each is composed and its chart taken from
   * those drawn ahead (or drawn now), then the slot is held while posting and stored as posted once
   * Discord took the post (ReflectionService.postScheduled). A failure leaves the slot due: it is tried
   * again a few times, a little later each time, then the week is given up with one log line.
   */
  private async postDue(): Promise<void> {
    const due = await this.reflections.due();
    let next = 0;
    let posted = 0;
    let redrawn = 0;
    const worker = async () => {
      while (next < due.length) {
        const slot = due[next++]!;
        try {
          if (slot.kind === 'missed') {
            if (!(await this.reflections.claim(slot.guildId, slot.key))) continue;
            this.forget(slot.guildId);
            this.logger.info({ guildId: slot.guildId, week: slot.key }, 'weekly reflection skipped: the bot was away for more than 24 hours after its time');
            continue;
          }
          const outcome = await this.reflections.postScheduled(slot.guildId, slot.key, (hold) =>
            this.send(slot.guildId, slot.at, slot.late, slot.key, (svg) => this.drawer.draw(svg), hold),
          );
          if (outcome.kind === 'posted') {
            posted += 1;
            if (outcome.value.redrawn) redrawn += 1;
          } else if (outcome.kind === 'failed') {
            const context = { err: outcome.cause, guildId: slot.guildId, week: slot.key, attempt: outcome.attempt, attempts: outcome.attempts };
            if (outcome.gaveUp)
              this.logger.error(context, `weekly reflection not posted this week: it failed ${outcome.attempts} times, so the bot stopped trying`);
            else this.logger.error(context, 'weekly reflection failed; it is tried again later');
          }
        } catch (error) {
          this.logger.error({ err: error, guildId: slot.guildId, week: slot.key }, 'weekly reflection failed');
        }
        // Let the event loop breathe between reflections.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: Math.min(POSTS_AT_ONCE, due.length) }, worker));
    if (posted > 0) this.logger.info({ posted, drawnAhead: posted - redrawn, drawnAtSlot: redrawn }, 'weekly reflections posted');
  }

  /**
   * Composes the reflection, takes its chart (drawn ahead if drawn from the same numbers, else drawn
   * with `draw`), and posts it; `hold`, when given, must say yes just before the send (else nothing is
   * sent). Null when the circle is gone or the hold said no.
   */
  private async send(
    guildId: string,
    at: Date,
    late: boolean,
    key: string,
    draw: (svg: string) => Promise<Buffer>,
    hold?: () => Promise<boolean>,
  ): Promise<{ channelId: string; redrawn: boolean } | null> {
    const composed = await this.reflections.compose(guildId, at);
    if (!composed.ok) return null;
    const { reflection, settings } = composed.value;
    const minActive = this.reflections.minActive;
    const { svg, fingerprint } = reflectionChartSource(reflection, minActive);
    const ready = this.ready.get(guildId);
    const redrawn = ready?.fingerprint !== fingerprint;
    const png = ready && !redrawn ? ready.png : await draw(svg);
    if (hold && !(await hold())) return null;
    if (ready?.key === key) this.forget(guildId);
    const message = reflectionPost(reflection, { timezone: settings.timezone, minActive, late }, png);
    const channel = (await this.client.channels.fetch(settings.circleChannelId)) as TextChannel;
    await this.pace();
    await channel.send({
      content: message.content,
      files: message.files,
      allowedMentions: { parse: [] },
      nonce: postNonce('wr', key, guildId.slice(-8)),
      enforceNonce: true,
    });
    return { channelId: settings.circleChannelId, redrawn };
  }

  /**
   * Draws the charts of the reflections coming within the lead, one at a time, until the tick's budget
   * is spent (the next tick goes on). Charts for slots no longer coming are let go.
   */
  private async prepareComing(): Promise<void> {
    const started = performance.now();
    const coming = await this.reflections.coming(this.leadMs);
    const comingKey = new Map(coming.map((slot) => [slot.guildId, slot.key]));
    for (const [guildId, chart] of this.ready) if (comingKey.get(guildId) !== chart.key) this.forget(guildId);
    let prepared = 0;
    for (const slot of coming) {
      if (performance.now() - started > this.prepareBudgetMs || this.readyBytes >= READY_MAX_BYTES) break;
      // Its slot came while others were drawn: the next tick posts it.
      if (this.ready.get(slot.guildId)?.key === slot.key || this.reflections.now().getTime() >= slot.at.getTime()) continue;
      try {
        const composed = await this.reflections.compose(slot.guildId, slot.at);
        if (!composed.ok) continue;
        const { svg, fingerprint } = reflectionChartSource(composed.value.reflection, this.reflections.minActive);
        const png = await this.drawer.draw(svg);
        this.forget(slot.guildId);
        this.ready.set(slot.guildId, { key: slot.key, fingerprint, png });
        this.readyBytes += png.length;
        prepared += 1;
      } catch (error) {
        this.logger.warn({ err: error, guildId: slot.guildId }, 'preparing a weekly reflection failed; it is drawn at its slot instead');
      }
    }
    if (prepared === 0) return;
    const waiting = coming.filter((slot) => this.ready.get(slot.guildId)?.key !== slot.key).length;
    this.logger.info({ prepared, ready: this.ready.size, waiting, readyBytes: this.readyBytes }, 'weekly reflections prepared ahead of their slot');
  }

  /**
   * Spaces the posts evenly at the bot's global rate limit: discord.js lets a second's whole budget go
   * at once, and such bursts at a second's edge are refused (429) by a limit counted over any second,
   * as Discord's is, each costing a retry. Each post has its time on a timeline 1/rate apart (and 3%
   * more, so the jitter of the way there does not put one post too many in a second); a post whose
   * timer fired late does not delay the others, and one that fell behind catches up by at most one
   * step, so a busy moment never turns into a burst.
   */
  private async pace(): Promise<void> {
    const spacing = (1000 / this.client.rest.options.globalRequestsPerSecond) * PACE_MARGIN;
    const now = performance.now();
    const at = Math.max(this.nextSendAt, now - spacing);
    this.nextSendAt = at + spacing;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  private forget(guildId: string): void {
    const chart = this.ready.get(guildId);
    if (!chart) return;
    this.ready.delete(guildId);
    this.readyBytes -= chart.png.length;
  }
}
