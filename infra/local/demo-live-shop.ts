import { z } from 'zod';
import type { NightshiftConfig } from '../../functions/core/config';
import type { ArtifactStore } from '../../functions/core/jobs/ports';
import type { ValidEvent } from '../../functions/core/events/metric-event';
import { ArtifactNotFoundError } from '../../functions/core/storage/errors';
import { describeError } from '../../functions/core/errors';
import { formatLocalTime } from '../../functions/core/time/display';
import type { NightshiftClient } from '../../functions/client';
import { demoShopGoingOn, liveOutageWindow } from './demo-events';
import type { LocalClock } from './simulated-clock';

/**
 * The live shop: while the local cloud runs on demo data, the demo shop keeps sending its events
 * as they happen, through `POST /events` as a client would, from where the written history
 * ended. The same generator, seeded and started on the same first day (`demoShopGoingOn`), so
 * the series runs on without a gap or a double at the seam. It follows the local cloud's clock,
 * a simulated one included: an accelerated clock makes accelerated traffic.
 *
 * What it has sent is stored state (`LIVE_SHOP_STATE_KEY` in the bucket), written ahead of each
 * request: `sending` names the window (from, to] about to go out, `sentThrough` moves once it is
 * acknowledged. A restart resumes from there and sends an unacknowledged window again with the
 * same Idempotency-Key (ingest names the objects after the key, so even a forgotten key replaces
 * rather than adds): no event is lost or counted twice.
 */

const LIVE_SHOP_STATE_KEY = 'demo/live-shop.json';
/** Events go out in windows of this much shop time, on a fixed grid (…:00, :05, :10 …). */
const LIVE_WINDOW_MS = 5 * 60_000;
/** A restart behind by more than a window catches up in requests of at most this much shop time. */
const MAX_CATCH_UP_MS = 60 * 60_000;
/** After a refused or failed request, try again this much later (shop time). */
const RETRY_MS = 60_000;

const liveShopState = z.object({
  /** The first start: the history holds the events up to it. */
  firstStart: z.iso.datetime(),
  /** The live app outage (11:00-20:00 on this local day). */
  outageDay: z.iso.date(),
  /** Every event up to this instant has been acknowledged by the API. */
  sentThrough: z.iso.datetime(),
  /** The window being sent (written before the request, cleared after its answer). */
  sending: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }).optional(),
});
type LiveShopState = z.infer<typeof liveShopState>;

/** The first start's live shop: history up to `firstStart`, the live app outage on the first 11:00-20:00 after it. */
export async function recordLiveShop(artifacts: ArtifactStore, config: NightshiftConfig, firstStart: Date): Promise<LiveShopState> {
  const state: LiveShopState = { firstStart: firstStart.toISOString(), outageDay: liveOutageWindow(firstStart, config.timezone).day, sentThrough: firstStart.toISOString() };
  await writeState(artifacts, state);
  return state;
}

async function readLiveShopState(artifacts: ArtifactStore): Promise<LiveShopState | undefined> {
  let text: string;
  try {
    text = await artifacts.getText(LIVE_SHOP_STATE_KEY);
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) return undefined;
    throw error;
  }
  const parsed = liveShopState.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${LIVE_SHOP_STATE_KEY} is not a live shop state: ${parsed.error.message}`);
  return parsed.data;
}

async function writeState(artifacts: ArtifactStore, state: LiveShopState): Promise<void> {
  await artifacts.put(LIVE_SHOP_STATE_KEY, JSON.stringify(state), 'application/json');
}

export interface LiveShopDeps {
  config: NightshiftConfig;
  artifacts: ArtifactStore;
  clock: LocalClock;
  /** The API, as a client sees it. */
  client: Pick<NightshiftClient, 'sendEvents'>;
  log: (line: string) => void;
  /** How much shop time one request carries, on a grid from midnight UTC. @default LIVE_WINDOW_MS (5 minutes) */
  windowMs?: number;
}

/** Sends the shop's events window by window as the clock passes them; `stop` waits for a request at work. */
export class LiveShop {
  private generated: ValidEvent[] = [];
  private generatedThroughMs: number;
  private readonly hours: Generator<{ endMs: number; events: ValidEvent[] }>;
  private cancelTimer: (() => void) | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private failing = false;
  private readonly windowMs: number;

  constructor(
    private readonly deps: LiveShopDeps,
    private state: LiveShopState,
  ) {
    const firstStart = new Date(state.firstStart);
    this.hours = demoShopGoingOn(deps.config, firstStart, { outage: state.outageDay });
    this.generatedThroughMs = Number.NEGATIVE_INFINITY;
    this.windowMs = deps.windowMs ?? LIVE_WINDOW_MS;
  }

  /** What it is about to do, in words for the terminal. */
  describe(): string {
    const { timezone } = this.deps.config;
    const outage = liveOutageWindow(new Date(this.state.firstStart), timezone);
    const fromMs = Date.parse(this.state.sentThrough);
    const from = formatLocalTime(new Date(fromMs), timezone);
    const window = `${outage.day} 11:00-20:00`;
    const outageWords =
      fromMs < outage.from.getTime()
        ? `its app channel goes out ${window}, and the hourly watch alerts on it after the first hour (about 12:00-12:05)`
        : fromMs < outage.to.getTime()
          ? `its app channel is out (${window})`
          : `its app outage (${window}) is over`;
    return (
      `Demo live shop: sends the shop's events as they happen through POST /events (one request per ${this.windowMs / 60_000} minutes of shop time), ` +
      `from ${from} on (${this.state.sentThrough === this.state.firstStart ? 'where the written history ends' : 'what it had sent before'}); ` +
      `${outageWords}. --no-live-shop turns it off.`
    );
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    await this.ticking;
  }

  /** Every event up to this instant has been acknowledged. */
  get sentThrough(): Date {
    return new Date(this.state.sentThrough);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.cancelTimer = this.deps.clock.after(delayMs, () => {
      this.cancelTimer = undefined;
      const ticking = this.tick();
      this.ticking = ticking;
      void ticking.finally(() => {
        if (this.ticking === ticking) this.ticking = undefined;
      });
    });
  }

  /** Sends every whole window the clock has passed, then sleeps until the next one closes. */
  private async tick(): Promise<void> {
    // The shop's request is work: a simulated clock does not race past the windows meanwhile.
    const done = this.deps.clock.working();
    let retry = false;
    try {
      const due = Math.floor(this.deps.clock.now().getTime() / this.windowMs) * this.windowMs;
      while (!this.stopped && Date.parse(this.state.sentThrough) < due) {
        if (!(await this.sendNext(due))) {
          retry = true;
          break;
        }
      }
    } finally {
      done();
    }
    const nowMs = this.deps.clock.now().getTime();
    const nextWindowEnd = (Math.floor(nowMs / this.windowMs) + 1) * this.windowMs;
    this.schedule(retry ? RETRY_MS : nextWindowEnd - nowMs);
  }

  /** The next window up to `due`: written ahead, sent, acknowledged. False when it could not go out (tried again later). */
  private async sendNext(due: number): Promise<boolean> {
    const fromMs = Date.parse(this.state.sentThrough);
    // On the grid: the window fromMs falls in, and up to an hour more when catching up.
    const windowEnd = Math.ceil((fromMs + 1) / this.windowMs) * this.windowMs;
    const window = this.state.sending ?? { from: this.state.sentThrough, to: new Date(Math.min(due, Math.max(windowEnd, fromMs + MAX_CATCH_UP_MS))).toISOString() };
    const toMs = Date.parse(window.to);
    const events = this.eventsIn(fromMs, toMs);
    try {
      if (events.length > 0) {
        if (!this.state.sending) await writeState(this.deps.artifacts, (this.state = { ...this.state, sending: window }));
        const answer = await this.deps.client.sendEvents(
          events.map(({ metric, ts, value, dims }) => ({ metric, ts, value, dims })),
          { idempotencyKey: `demo-live-shop-${window.from}-${window.to}` },
        );
        if (answer.rejected.length > 0) this.deps.log(`Demo live shop: ${answer.rejected.length} events of ${window.from}..${window.to} were refused: ${JSON.stringify(answer.rejected.slice(0, 3))}`);
      }
      const { sending: _sent, ...rest } = this.state;
      await writeState(this.deps.artifacts, (this.state = { ...rest, sentThrough: window.to }));
    } catch (error) {
      if (!this.failing) this.deps.log(`Demo live shop: could not send ${window.from}..${window.to} (${describeError(error).message}); trying again in a minute of shop time`);
      this.failing = true;
      return false;
    }
    if (this.failing) this.deps.log(`Demo live shop: sending again (through ${window.to})`);
    this.failing = false;
    this.generated = this.generated.filter((event) => event.tsMs > toMs);
    return true;
  }

  /** The shop's events in (fromMs, toMs], generating hours as far as needed. */
  private eventsIn(fromMs: number, toMs: number): ValidEvent[] {
    while (this.generatedThroughMs < toMs) {
      const next = this.hours.next();
      if (next.done) break;
      this.generatedThroughMs = next.value.endMs;
      for (const event of next.value.events) if (event.tsMs > fromMs) this.generated.push(event);
    }
    return this.generated.filter((event) => event.tsMs > fromMs && event.tsMs <= toMs).sort((a, b) => a.tsMs - b.tsMs);
  }
}

/** The live shop of a data dir whose demo recorded one; undefined for any other data. */
export async function resumeLiveShop(deps: LiveShopDeps): Promise<LiveShop | undefined> {
  const state = await readLiveShopState(deps.artifacts);
  return state ? new LiveShop(deps, state) : undefined;
}
