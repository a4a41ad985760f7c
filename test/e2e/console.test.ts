/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_DAYS, DEMO_INCIDENTS, DEMO_PROOF_DAYS } from '../../infra/local/demo-events';
import { canvasInk, chromiumMissing, launchChromium, saveScreenshot } from '../helpers/browser';
import { DEMO_LINE, FOLLOW_UP_LINE, daysBefore, demoRunsEnded, isTerminal, waitFor } from '../helpers/demo-start';
import { startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud-process';
import { exportsOf, runShell, shellBlocks } from '../helpers/runnable-docs';

const missing = chromiumMissing();
if (missing) console.warn(`console browser test skipped: ${missing}`);

const ROOT = resolve(import.meta.dirname, '../..');
/** The demo config's zone (nightshift.config.ts). */
const DEMO_TIMEZONE = 'America/Los_Angeles';
const READ_TOKEN = `e2e-read-${Math.random().toString(36).slice(2)}`;
/**
 * One first start of the local cloud with its demo data serves this whole file (the demo is the
 * slowest thing the suite starts, so it starts once): first what the demo wrote and ran, then the
 * web console over it in Chromium, last a second start on the same data directory.
 */
let dataDir: string;
let cloud: LocalCloudProcess;
let spawnedAt: number;
let demoEnded: Promise<any[]> | undefined;
/** Waited for once, by whichever part of the file asks first: 230 s from the spawn. */
const demoRuns = (): Promise<any[]> => (demoEnded ??= demoRunsEnded(cloud, spawnedAt + 230_000));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'nightshift-demo-'));
  spawnedAt = Date.now();
  // keptToken: the admin token generated and kept in the data dir, as on a user's first start.
  cloud = await startLocalCloudProcess({ dataDir, keptToken: true, env: { NIGHTSHIFT_READ_TOKEN: READ_TOKEN } });
}, 120_000);

afterAll(async () => {
  if (cloud && cloud.child.exitCode === null) await cloud.stop('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('demo data on the first start', () => {
  it('writes eight weeks of events with planted incidents, runs the demo jobs, and the proofs find the incidents, once', async () => {
    // Act: wait for every demo run to end.
    const first = cloud;
    const line = first.output.find((l) => l.startsWith('Demo data:')) ?? '';
    const incidentsLine = first.output.find((l) => l.startsWith('Demo incidents')) ?? '';
    const match = DEMO_LINE.exec(line) ?? [];
    const [, events, from, to, objects, ms, , , , , , , scriptId, proofsFrom, proofsTo, dailySnapshot, weeklySnapshot, exportFrom, exportTo] = match;
    const firstStartupMs = first.startupMs;
    const runs = await demoRuns();
    const demoRunsMs = Date.now() - spawnedAt;
    const proofs = (await first.request(`/proofs?from=${proofsFrom}&to=${proofsTo}`)).body.items as any[];
    const artifacts = new Map<string, any>();
    for (const proof of proofs) artifacts.set(proof.date, (await first.request(`/proofs/${proof.date}`)).body);
    const script = (await first.request(`/jobs/${scriptId}`)).body;
    const logs = (await first.request(`/jobs/${scriptId}/logs`)).body;

    // Assess: what was written and queued.
    console.log(`${line}\n${first.output.find((l) => FOLLOW_UP_LINE.test(l))}\nfirst start ${firstStartupMs} ms, demo runs ended ${demoRunsMs} ms after the spawn`);
    expect(line).toMatch(DEMO_LINE);
    expect(first.output).toContainEqual(expect.stringMatching(FOLLOW_UP_LINE));
    expect(Number(events?.replace(/,/g, ''))).toBeGreaterThan(200_000);
    expect((Date.parse(to ?? '') - Date.parse(from ?? '')) / 86_400_000).toBe(DEMO_DAYS - 1);
    expect(Number(objects)).toBeGreaterThan((DEMO_DAYS - 1) * 24);
    // How long the writing took is measured, not asserted here: a loaded CI machine is no benchmark.
    expect(Number(ms)).toBeGreaterThan(0);
    const yesterday = daysBefore(to ?? '', 1);
    expect([proofsFrom, proofsTo, dailySnapshot, exportFrom, exportTo]).toEqual([daysBefore(to ?? '', DEMO_PROOF_DAYS), yesterday, yesterday, daysBefore(to ?? '', DEMO_PROOF_DAYS), yesterday]);
    const byType = (type: string) => runs.filter((job) => job.type === type);
    // A rollup's range is at most 31 days: the eight weeks take two.
    const rollups = byType('rollup').sort((a, b) => a.params.from.localeCompare(b.params.from));
    expect(rollups.map((job) => [job.status, job.trigger, job.params])).toEqual([
      ['succeeded', 'backfill', { from, to: daysBefore(to ?? '', DEMO_DAYS - 31) }],
      ['succeeded', 'backfill', { from: daysBefore(to ?? '', DEMO_DAYS - 32), to }],
    ]);
    // Snapshots and the export are gated on the proofs of their days (queued after the proofs):
    // a snapshot is held exactly when a day it covers has a critical proof.
    const heldWhenCritical = (job: any) => (Object.values(job.summary.proofs ?? {}).includes('critical') ? 'held' : 'succeeded');
    expect(byType('snapshot').map((job) => [job.period, job.status]).sort()).toEqual(byType('snapshot').map((job) => [job.period, heldWhenCritical(job)]).sort());
    expect(byType('snapshot').map((job) => job.period).sort()).toEqual([dailySnapshot, weeklySnapshot].sort());
    expect(script).toMatchObject({ type: 'script-run', status: 'succeeded', params: { script: 'events-summary' } });
    expect(script.artifacts.map((artifact: any) => artifact.name).sort()).toEqual(['output/groups.csv', 'output/summary.json', 'stderr.log', 'stdout.log']);
    expect(logs.available).toBe(true);
    expect(runs).toHaveLength(2 + 1 + DEMO_PROOF_DAYS + 2 + 1);

    // Assess: the proofs found exactly the planted incidents, with trend checks that ran.
    const plantedDay = (kind: string) => daysBefore(to ?? '', DEMO_INCIDENTS.find((incident) => incident.kind === kind)!.daysAgo);
    const [bulkOrder, missingHour, appOutage] = [plantedDay('bulk_order'), plantedDay('missing_hour'), plantedDay('app_outage')];
    for (const day of [bulkOrder, missingHour, appOutage]) expect(incidentsLine).toContain(day);
    expect(proofs.map((proof) => proof.date)).toEqual(Array.from({ length: DEMO_PROOF_DAYS }, (_, index) => daysBefore(to ?? '', DEMO_PROOF_DAYS - index)));
    const flagged = Object.fromEntries(proofs.filter((proof) => proof.status !== 'pass').map((proof) => [proof.date, proof.status]));
    expect(flagged).toEqual({ [bulkOrder]: 'critical', [missingHour]: 'warn', [appOutage]: 'critical' });
    const check = (day: string, id: string) => artifacts.get(day).checks.find((c: any) => c.id === id);
    expect(check(bulkOrder, 'trend:revenue')).toMatchObject({ status: 'critical', reason: 'large_change' });
    expect(check(missingHour, 'completeness:sessions')).toMatchObject({ status: 'warn', reason: 'hours_missing', observed: artifacts.get(missingHour).checks.find((c: any) => c.id === 'completeness:sessions').expected.max - 1 });
    expect(check(appOutage, 'trend:sessions')).toMatchObject({ status: 'critical' });
    expect(check(appOutage, 'trend:sessions').score).toBeLessThan(-5);
    // Each trend incident comes with its explanation, from the hour partials (attribution).
    expect(check(appOutage, 'trend:sessions').attribution.contributors[0]).toMatchObject({ segment: 'channel=app', where: 'in every store', hours: ['11:00–20:00'] });
    expect(check(bulkOrder, 'trend:revenue').attribution.contributors[0]).toMatchObject({ segment: 'store=la-venice, channel=web', hours: ['11:00–12:00'] });
    const skippedTrends = [...artifacts.values()].flatMap((proof) => proof.checks.filter((c: any) => c.kind === 'trend' && c.status === 'skipped').map((c: any) => `${proof.date} ${c.id}`));
    expect(skippedTrends).toEqual([]);
    // The export covers the two critical days: held, its object under quarantine/ until released.
    expect(byType('export').map((job) => [job.status, job.summary.rows > 0, [...job.summary.heldFor].sort()])).toEqual([['held', true, [bulkOrder, appOutage].sort()]]);
    expect(byType('export')[0].artifacts.map((artifact: any) => artifact.key.startsWith('quarantine/'))).toEqual([true]);
    const runStatus = { pass: 'succeeded', warn: 'warning', critical: 'failed' } as Record<string, string>;
    expect(byType('sampling-proof').map((job) => [job.period, job.status]).sort()).toEqual(proofs.map((proof) => [proof.date, runStatus[proof.status]]));

  }, 240_000);
});

/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the local
 * cloud with its demo data, as a user would: sign in, filter, open a run and its logs, trigger a
 * schedule and watch the run appear, read the health, a proof, and the chart.
 */
describe.skipIf(missing !== undefined)('the web console in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const foreignRequests: string[] = [];
  const pageProblems: string[] = [];
  let scriptRunId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    // A script run of our own, so a run with stdout/stderr is in the history whatever the demo holds.
    const ingested = await cloud.request('/events', { method: 'POST', body: { events: [{ metric: 'orders', ts: new Date().toISOString(), dims: { store: 'sf-market', channel: 'web' } }] } });
    const script = await cloud.request('/jobs', { method: 'POST', body: { type: 'script-run', params: { script: 'events-summary', args: { input: ingested.body.objects[0] } } } });
    scriptRunId = script.body.job.id;
    // The demo's runs: the rollups, then (once they are done) proofs, snapshots and an export.
    await demoRuns();
    expect(cloud.output.filter((line) => line.includes('were not queued'))).toEqual([]);
    await waitFor(async () => {
      const recent = await cloud.request('/jobs?limit=100');
      return recent.body.items.every((job: { status: string }) => isTerminal(job.status));
    }, 180_000);

    context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
    page = await context.newPage();
    const origin = new URL(cloud.ready.apiUrl).origin;
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== origin && url.protocol !== 'data:') foreignRequests.push(request.url());
    });
    // CSP violations and script errors surface here.
    page.on('console', (message) => {
      if (message.type() === 'error') pageProblems.push(message.text());
    });
    page.on('pageerror', (error) => pageProblems.push(error.message));
  }, 240_000);

  // What the page looked like when a step failed: test-output/console/failed-<test>.png.
  afterEach(async (test) => {
    if (test.task.result?.state === 'fail' && page) await saveScreenshot(page, `failed-${test.task.name.slice(0, 60).replace(/\W+/g, '-')}`, { fullPage: true });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('refuses an unknown token, then signs in with the admin token and lists the demo runs, their times in the business zone and their outcomes in words', async () => {
    // Act: the address with a trailing slash, as people type it, lands on the page with its styles.
    await page.goto(`${cloud.ready.consoleUrl}/`);
    const landedOn = page.url();
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const refusal = await page.getByRole('alert').textContent();
    await page.getByLabel('API token').fill(cloud.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.jobs tbody tr').first().waitFor();

    const created = await page.locator('table.jobs tbody tr td.cell-created time').first().textContent();
    const heading = await page.locator('table.jobs thead th').nth(5).textContent();
    const proofOutcomes = await page.locator('table.jobs tbody tr', { hasText: 'sampling-proof' }).locator('td.outcome').allTextContents();
    const proofLinks = await page.locator('table.jobs tbody tr', { hasText: 'sampling-proof' }).locator('td.outcome a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));

    // Assess
    expect(landedOn).toBe(cloud.ready.consoleUrl);
    expect(refusal).toContain('does not know this token');
    expect(await page.locator('header .who').textContent()).toContain('admin (admin)');
    const types = await page.locator('table.jobs tbody tr td:nth-child(2)').allTextContents();
    expect(types).toContain('sampling-proof');
    expect(types).toContain('snapshot');
    expect(heading).toBe(`Created (${DEMO_TIMEZONE})`);
    expect(created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} -0[78]:00$/);
    expect(proofOutcomes.length).toBeGreaterThan(0);
    expect(proofOutcomes.every((text) => /^(all \d+ checks pass|\d+ checks? (warn|critical)|\d+ checks pass, \d+ skipped)/.test(text))).toBe(true);
    expect(proofLinks.every((href) => /^#\/proofs\/\d{4}-\d{2}-\d{2}$/.test(href ?? ''))).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('nightshift.console.token'))).toBe(cloud.adminToken);
    await saveScreenshot(page, 'jobs');
  });

  it('filters the runs by type and status, and keeps the filter in the address', async () => {
    // Act
    await page.getByLabel('Type').selectOption('script-run');
    await page.waitForFunction(() => window.location.hash.includes('type=script-run'));
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('table.jobs tbody tr td:nth-child(2)')];
      return cells.length > 0 && cells.every((cell) => cell.textContent === 'script-run');
    });
    const scriptTypes = await page.locator('table.jobs tbody tr td:nth-child(2)').allTextContents();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No runs match.').waitFor();
    await page.getByLabel('Status').selectOption('');

    // Assess
    expect(scriptTypes.length).toBeGreaterThan(0);
    expect(new Set(scriptTypes)).toEqual(new Set(['script-run']));
    expect(page.url()).toContain('#/jobs?type=script-run');
  });

  it('shows the runs as cards at phone width (390 px), without scrolling the page sideways', async () => {
    // Act
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${cloud.ready.consoleUrl}#/jobs`);
    await page.locator('table.jobs tbody tr').first().waitFor();
    const layout = await page.evaluate(() => {
      const row = document.querySelector('table.jobs tbody tr')!;
      return { pageWidth: document.documentElement.scrollWidth, rowDisplay: getComputedStyle(row).display, rowWidth: row.getBoundingClientRect().width };
    });
    await saveScreenshot(page, 'jobs-phone');
    await page.setViewportSize({ width: 1366, height: 860 });

    // Assess
    expect(layout.pageWidth).toBeLessThanOrEqual(390);
    expect(layout.rowDisplay).toBe('grid');
    expect(layout.rowWidth).toBeLessThanOrEqual(390);
  });

  it('pages on to older runs without repeating any', async () => {
    // Prepare: more runs than one page of the list (50) holds: proofs of five earlier weeks of the demo.
    const today = DateTime.now().setZone(DEMO_TIMEZONE);
    const backfill = await cloud.request('/jobs/backfill', {
      method: 'POST',
      body: { type: 'sampling-proof', from: today.minus({ days: 49 }).toISODate(), to: today.minus({ days: 15 }).toISODate() },
    });
    expect(backfill.body.queued).toHaveLength(35);
    await waitFor(async () => (await cloud.request('/jobs?type=sampling-proof&limit=100')).body.items.every((job: { status: string }) => isTerminal(job.status)), 120_000);

    // Act
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.jobs tbody tr').length === 50);
    await page.getByRole('button', { name: 'Load older runs' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.jobs tbody tr').length > 50);
    const ids = await page.locator('table.jobs tbody tr td:first-child a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));

    // Assess
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(`#/jobs/${scriptRunId}`);
  }, 150_000);

  it('opens a script run, shows its record, artifacts and logs, and moves between the log tabs by keyboard', async () => {
    // Act
    await page.locator(`a[href="#/jobs/${scriptRunId}"]`).click();
    await page.getByRole('heading', { name: /script-run/ }).waitFor();
    await page.locator('pre.log').waitFor();
    const stdout = await page.locator('pre.log').textContent();
    const artifacts = await page.locator('table a', { hasText: 'Download' }).count();
    await page.getByRole('tab', { selected: true }).focus();
    await page.keyboard.press('ArrowRight');
    const selected = await page.getByRole('tab', { selected: true }).textContent();
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    await page.getByRole('tab', { name: /stdout/ }).click();
    await saveScreenshot(page, 'job-detail', { fullPage: true });

    // Assess
    expect(stdout).toMatch(/events/i);
    expect(artifacts).toBeGreaterThan(0);
    expect(selected).toMatch(/^stderr/);
    expect(focused).toMatch(/^stderr/);
    expect(await page.getByRole('button', { name: 'Run again' }).isVisible()).toBe(true);
  });

  it('triggers the monthly snapshot from the schedules as admin, and the run appears in the jobs', async () => {
    // Act: the demo snapshots a day and a week, never a month, so this is a new run.
    await page.getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('button', { name: 'Run snapshot-monthly now' }).click();
    const outcome = page.locator('tr', { hasText: 'snapshot-monthly' }).locator('[role="status"]');
    const started = outcome.locator('a');
    await started.waitFor();
    const outcomeText = await outcome.textContent();
    const runId = (await started.getAttribute('href'))!.replace('#/jobs/', '');
    const shownFireTimes = await page.locator('table.schedules tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('.fire-times time')].filter((time) => time.checkVisibility()).length));
    await saveScreenshot(page, 'schedules', { fullPage: true });
    await page.goto(`${cloud.ready.consoleUrl}#/jobs?type=snapshot`);
    const row = page.locator('table.jobs tbody tr', { has: page.locator(`a[href="#/jobs/${runId}"]`) });
    await row.waitFor();
    // The first page refreshes itself every 5 s: the run's end shows without a reload. Held when
    // last month holds one of the demo's critical proof days (the gate), published otherwise.
    await row.locator('.badge-succeeded, .badge-warning, .badge-held').waitFor({ timeout: 90_000 });

    // Assess
    expect(outcomeText).toMatch(/^Started/);
    // Only the next fire time shows; the four after it are folded away.
    expect(shownFireTimes.length).toBeGreaterThan(3);
    expect(new Set(shownFireTimes)).toEqual(new Set([1]));
    expect(await row.locator('td:nth-child(4)').textContent()).toMatch(/^\d{4}-\d{2}$/);
    expect(await row.locator('td:nth-child(5)').textContent()).toContain('by admin');
  }, 120_000);

  it('draws each schedule\'s slots as a strip coloured by fate, names a slot on keyboard focus, and filters to the schedules that missed one', async () => {
    // Act: the demo's own slots; the sweeper has fired since the start, the demo's backfills hold periods.
    await page.getByRole('link', { name: 'Timeline' }).click();
    await page.locator('.strip-row .slot-strip').first().waitFor();
    const fatesBySchedule = Object.fromEntries(
      await page.locator('.strip-row').evaluateAll((rows) =>
        rows.map((row) => [row.querySelector('.strip-name .mono')?.textContent ?? '', [...row.querySelectorAll('.slot-cell')].map((cell) => cell.getAttribute('data-fate'))]),
      ),
    ) as Record<string, string[]>;
    // The demo's proofs hold the daily proof's last periods: focus its newest slot, then one to the left.
    const proofs = page.locator('.strip-row', { has: page.locator('.strip-name .mono', { hasText: /^sampling-proof-daily$/ }) });
    await proofs.locator('.slot-cell').last().focus();
    await page.keyboard.press('ArrowLeft');
    const focused = await page.evaluate(() => ({ label: document.activeElement?.getAttribute('aria-label'), index: [...(document.activeElement?.closest('ol')?.children ?? [])].findIndex((item) => item.contains(document.activeElement)), visible: document.activeElement?.matches(':focus-visible') }));
    const tooltip = await proofs.locator('.slot-detail').textContent();
    await saveScreenshot(page, 'timeline', { fullPage: true });
    await page.getByLabel(/Missed only/).check();
    await page.waitForURL(/#\/timeline\?missed=1$/);
    const missedSchedules = await page.locator('.strip-row .strip-name .mono').allTextContents();
    await page.getByLabel(/Missed only/).uncheck();
    await page.waitForURL(/#\/timeline$/);
    const allAgain = await page.locator('.strip-row').count();

    // Assess: one strip per schedule of the demo config, each cell a fate the ledger gave.
    expect(Object.keys(fatesBySchedule).sort()).toEqual(['export-weekly', 'rollup-hourly', 'sampling-proof-daily', 'snapshot-daily', 'snapshot-monthly', 'snapshot-weekly', 'sweeper']);
    // The sweeper's strip: its slots since the first start fired or are not yet due, the rest before it.
    expect(new Set(fatesBySchedule['sweeper']).size).toBeGreaterThan(0);
    expect(fatesBySchedule['sweeper']!.every((fate) => ['fired', 'not_yet', 'before_first_start'].includes(fate ?? ''))).toBe(true);
    expect(fatesBySchedule['sampling-proof-daily']).toContain('period_taken');
    // A first start misses nothing: the slots before it were never due (and read so), not missing.
    expect(Object.values(fatesBySchedule).flat()).not.toContain('missing');
    expect(fatesBySchedule['snapshot-monthly']).toContain('before_first_start');
    // The slot one to the left of the newest, in the business zone with its offset, its fate and run.
    expect(focused.visible).toBe(true);
    expect(focused.index).toBe(fatesBySchedule['sampling-proof-daily']!.length - 2);
    expect(focused.label).toMatch(/^\d{4}-\d{2}-\d{2} 03:15:00 -0[78]:00 · period taken · run \w{8} \w+$/);
    expect(tooltip).toBe(`${focused.label} · open run ${focused.label!.split(' · run ')[1]!.split(' ')[0]}`);
    // Missed only: exactly the schedules with a missing, skipped, dead-lettered or failed slot.
    const missed = Object.entries(fatesBySchedule).filter(([, fates]) => fates.some((fate) => ['missing', 'skipped', 'dead_lettered', 'failed'].includes(fate ?? ''))).map(([name]) => name);
    expect(missedSchedules.sort()).toEqual(missed.sort());
    expect(allAgain).toBe(7);
  });

  it("shows health per job type, and the demo's sampling proofs with observed values and bands", async () => {
    // Act
    await page.getByRole('link', { name: 'Health' }).click();
    await page.locator('table tbody tr').first().waitFor();
    const healthTypes = await page.locator('table tbody th').allTextContents();
    await saveScreenshot(page, 'health', { fullPage: true });
    await page.getByRole('link', { name: 'Proofs' }).click();
    const critical = page.locator('.day-list a', { has: page.locator('.badge-critical') }).first();
    await critical.click();
    await page.locator('#proof-title .badge-critical').waitFor();
    await page.getByLabel('Only warn and critical').check();
    await page.locator('table.checks tbody tr').first().waitFor();
    const statuses = await page.locator('table.checks tbody td:nth-child(3)').allTextContents();
    await page.getByLabel('Only warn and critical').uncheck();
    const checkRows = await page.locator('table.checks tbody tr').count();
    const bands = await page.locator('table.checks tbody td:nth-child(5)').allTextContents();
    await saveScreenshot(page, 'proofs', { fullPage: true });
    // The critical day proven again: the new run links to the run it replaces and to its proof's page.
    const day = (await page.locator('#proof-title').textContent())!.slice(0, 10);
    const replaced = (await cloud.request(`/proofs?from=${day}&to=${day}`)).body.items[0].jobId;
    const rerun = (await cloud.request('/jobs/backfill', { method: 'POST', body: { type: 'sampling-proof', from: day, to: day, onlyMissing: false } })).body.queued[0].jobId;
    await waitFor(async () => isTerminal((await cloud.request(`/jobs/${rerun}`)).body.status), 60_000);
    await page.goto(`${cloud.ready.consoleUrl}#/jobs/${rerun}`);
    const replacesLink = await page.locator('dl.record div', { hasText: 'Replaces' }).locator('a').getAttribute('href');
    await page.locator('dl.record div', { hasText: 'Produced' }).locator('a').click();
    await page.locator('#proof-title .badge-critical').waitFor();
    const producedDay = await page.locator('#proof-title').textContent();

    // Assess
    expect(healthTypes).toEqual(expect.arrayContaining(['rollup', 'snapshot', 'sampling-proof', 'export', 'script-run', 'sweeper']));
    expect(checkRows).toBeGreaterThan(5);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => /warn|critical/.test(status))).toBe(true);
    expect(bands.some((band) => /\d/.test(band))).toBe(true);
    expect(replacesLink).toBe(`#/jobs/${replaced}`);
    expect(producedDay).toContain(day);
  }, 180_000);

  it("draws a metric chart on a canvas, with the proof's warn and critical days marked", async () => {
    // Act: the demo's planted incidents include a sessions outage (critical) and a missing hour (warn).
    await page.getByRole('link', { name: 'Metric chart' }).click();
    await page.getByLabel('Metric').selectOption('sessions');
    // The chart of the metric first shown is replaced once sessions have loaded: wait for that one.
    const canvas = page.locator('canvas[role="img"][aria-label*="of sessions per day"]');
    await canvas.waitFor();
    await page.waitForFunction(() => {
      const element = document.querySelector<HTMLCanvasElement>('canvas[role="img"][aria-label*="of sessions per day"]');
      return element !== null && element.width > 0;
    });
    // The series colour #2f5bd3 and the critical red #c0262d.
    const drawn = await canvasInk(canvas, { line: [0x2f, 0x5b, 0xd3], critical: [0xc0, 0x26, 0x2d] });
    const tableRows = await page.locator('details table tbody tr').count();
    const marks = await page.locator('ul.marks li .badge').allTextContents();
    await saveScreenshot(page, 'chart', { fullPage: true });

    // Assess
    expect(drawn.width).toBeGreaterThan(300);
    expect(drawn.line).toBeGreaterThan(500);
    expect(drawn.ink).toBeGreaterThan(drawn.line);
    expect(drawn.label).toMatch(/sum of sessions per day, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}: 28 days with data, [1-9]\d* warn and [1-9]\d* critical proof days marked/);
    expect(tableRows).toBe(28);
    expect(marks).toContain('warn');
    expect(marks).toContain('critical');
    // The marked points are drawn in their own colours: the critical red #c0262d is on the canvas.
    expect(drawn.critical).toBeGreaterThan(20);
  });

  it('works from the keyboard: skip link, navigation, focus on the new view\'s heading', async () => {
    // Act
    // A fresh load: Tab starts from the top of the document, as for someone arriving at the page.
    await page.goto(`${cloud.ready.consoleUrl}#/jobs`);
    await page.reload();
    await page.locator('table.jobs').waitFor();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.textContent);
    await page.keyboard.press('Tab');
    const second = await page.evaluate(() => document.activeElement?.textContent);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const third = await page.evaluate(() => document.activeElement?.textContent);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    const heading = await page.evaluate(() => document.activeElement?.textContent);
    const outline = await page.evaluate(() => {
      const link = document.querySelector<HTMLElement>('header nav a');
      link?.focus();
      return link ? getComputedStyle(link).outlineStyle : '';
    });

    // Assess
    expect(first).toBe('Skip to content');
    expect(second).toBe('Jobs');
    expect(third).toBe('Timeline');
    expect(heading).toBe('Timeline');
    expect(outline).toBe('solid');
  });

  it('releases a held snapshot as admin (recorded under its name), hides Release from a read-only token, and draws the expected band and annotation markers', async () => {
    // Prepare: snapshots of the demo's critical proof days are held (their documents under quarantine/), and an annotation.
    const today = new Date().toISOString().slice(0, 10);
    const proofs = (await cloud.request(`/proofs?from=${daysBefore(today, 20)}&to=${today}`)).body.items as Array<{ date: string; status: string; bands?: Record<string, unknown> }>;
    const [releasedDay, keptDay] = proofs.filter((proof) => proof.status === 'critical').map((proof) => proof.date);
    const held: string[] = [];
    for (const period of [releasedDay, keptDay]) {
      const submitted = await cloud.request('/jobs', { method: 'POST', body: { type: 'snapshot', period, force: true } });
      held.push(submitted.body.job.id);
    }
    await waitFor(async () => (await Promise.all(held.map((id) => cloud.request(`/jobs/${id}`)))).every((run) => isTerminal(run.body.status)), 120_000, 'the snapshots ended');
    const annotated = proofs[1]!.date;
    await cloud.request('/annotations', { method: 'POST', body: { kind: 'promotion', from: annotated, note: 'autumn sale' } });

    // Act: as admin, open the first held run and release it.
    await page.goto(`${cloud.ready.consoleUrl}#/jobs/${held[0]}`);
    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await page.getByRole('button', { name: 'Release it' }).click();
    await page.locator('dt', { hasText: 'Released' }).waitFor();
    const releasedRow = await page.locator('dl.record div', { has: page.locator('dt', { hasText: 'Released' }) }).textContent();
    const releasedRun = (await cloud.request(`/jobs/${held[0]}`)).body;

    // Act: the chart of sessions over the proven days, with its band and markers.
    await page.goto(`${cloud.ready.consoleUrl}#/chart?metric=sessions&from=${proofs[0]!.date}&to=${proofs.at(-1)!.date}`);
    const canvas = page.locator('canvas[role="img"][aria-label*="of sessions per day"]');
    await canvas.waitFor();
    const bandDays = Number(await canvas.getAttribute('data-band-days'));
    const calendarDays = Number(await canvas.getAttribute('data-calendar-days'));
    const drawn = await canvasInk(canvas, { line: [0x2f, 0x5b, 0xd3], critical: [0xc0, 0x26, 0x2d] });
    const calendarCells = await page.locator('details table tbody td:nth-child(5)').allTextContents();
    await saveScreenshot(page, 'chart-band', { fullPage: true });

    // Act: a read-only token sees the other held run without a Release button.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').fill(READ_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('header .who').waitFor();
    await page.goto(`${cloud.ready.consoleUrl}#/jobs/${held[1]}`);
    await page.locator('dt', { hasText: 'Held for' }).waitFor();
    const releaseButtons = await page.getByRole('button', { name: 'Release', exact: true }).count();

    // Assess
    // The demo's proofs (its last 14 days) each carry the sessions band; older backfilled ones may lack a baseline.
    expect(proofs.slice(-DEMO_PROOF_DAYS).every((proof) => proof.bands?.['sessions'])).toBe(true);
    expect(releasedRow).toContain('by admin');
    expect(releasedRun).toMatchObject({ status: 'succeeded', releasedBy: 'admin' });
    // Every demo proof has its band; older ones (backfilled above with under six baseline weeks) may not.
    expect(bandDays).toBeGreaterThanOrEqual(14);
    expect(bandDays).toBeLessThanOrEqual(proofs.length);
    expect(calendarDays).toBe(1);
    expect(calendarCells.filter((cell) => cell.includes('autumn sale'))).toEqual(['promotion (admin): autumn sale']);
    expect(drawn.line).toBeGreaterThan(500);
    expect(releaseButtons).toBe(0);
  });

  it('hides admin actions from a read-only token', async () => {
    // Act
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').fill(READ_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('header .who').waitFor();
    await page.goto(`${cloud.ready.consoleUrl}#/schedules`);
    await page.locator('table.schedules tbody tr').first().waitFor();

    // Assess
    expect(await page.locator('header .who').textContent()).toContain('read-only');
    expect(await page.getByRole('button', { name: /Run .* now/ }).count()).toBe(0);
  });

  it('made no request outside its own origin and broke no Content-Security-Policy rule', () => {
    // Assess
    expect(foreignRequests).toEqual([]);
    expect(pageProblems.filter((text) => !/status of 40[134]/.test(text))).toEqual([]);
  });
});


describe("the docs' shell examples, against the demo", () => {
  it('runs every runnable block of README.md and docs/ in a shell set up by their setup block, as a reader would', async () => {
    // Prepare: the reader's second terminal in a scratch checkout whose .nightshift is this cloud's
    // data dir and whose `npx nightshift` is this one (files the examples write land there); the
    // setup block names the default port, this cloud listens on its own.
    await demoRuns();
    const blocks = await shellBlocks(ROOT);
    const setup = blocks.filter((block) => block.kind === 'setup');
    const reader = await mkdtemp(join(tmpdir(), 'nightshift-reader-'));
    await symlink(dataDir, join(reader, '.nightshift'));
    await mkdir(join(reader, 'node_modules/.bin'), { recursive: true });
    await symlink(join(ROOT, 'bin/nightshift.mjs'), join(reader, 'node_modules/.bin/nightshift'));
    const shell = { PATH: process.env['PATH'], HOME: process.env['HOME'], LANG: 'C.UTF-8', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const exported = await exportsOf(setup.map((block) => block.code.replaceAll('http://127.0.0.1:3000', cloud.ready.apiUrl)).join('\n'), { cwd: reader, env: shell, timeoutMs: 30_000 });

    // Act: each runnable block in the checkout, with what the setup exported.
    const failures: string[] = [];
    for (const block of blocks.filter((candidate) => candidate.kind === 'runnable')) {
      const result = await runShell(block.code, { cwd: reader, env: { ...shell, ...exported }, timeoutMs: 120_000 });
      if (result.code !== 0) failures.push(`${block.where} exited ${result.code}:\n${result.stderr.slice(-2000)}${result.stdout.slice(-1000)}`);
    }
    await rm(reader, { recursive: true, force: true });

    // Assess
    expect(setup.map((block) => block.where.split(':')[0])).toEqual(['README.md']);
    expect(exported).toMatchObject({ NS: cloud.ready.apiUrl, TOKEN: cloud.adminToken, NIGHTSHIFT_URL: cloud.ready.apiUrl, NIGHTSHIFT_TOKEN: cloud.adminToken });
    expect(blocks.filter((block) => block.kind === 'runnable').length).toBeGreaterThanOrEqual(2);
    expect(failures).toEqual([]);
  }, 300_000);
});

describe('a second start on the same data', () => {
  it('stops cleanly, starts again, and leaves the demo data alone', async () => {
    // Act
    const code = await cloud.stop('SIGINT');
    cloud = await startLocalCloudProcess({ dataDir });
    const secondOutput = [...cloud.output];
    await cloud.stop('SIGINT');

    // Assess
    expect(code).toBe(0);
    expect(secondOutput.some((l) => l.startsWith('Demo data:'))).toBe(false);
  }, 120_000);
});
