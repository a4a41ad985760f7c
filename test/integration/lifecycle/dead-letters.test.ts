import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../functions/core/jobs/logger';
import { drainScheduleDeadLetters } from '../../../functions/core/jobs/slots/dead-letters';
import { TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { QueueOfDeadLetters, schedulerDeadLetter } from '../../helpers/dead-letters';
import { testConfig } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const HOUR = 3_600_000;

describe("the schedules' dead letters in the slot ledger", () => {
  let storage: TestStorage;
  let api: TestApi;

  beforeAll(async () => {
    storage = await createTestStorage('dead-letters');
    api = testApi(storage, testConfig({ schedules: { 'rollup-hourly': { job: 'rollup', expression: 'cron(5 * * * ? *)' } } }));
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('shows a drained dead letter as dead_lettered in GET /scheduler/tasks/{name}/slots, and leaves what names no slot in the queue', async () => {
    // Prepare: the hourly slot two hours back went to the queue, beside a message that is no dead letter of ours.
    const now = Date.now();
    const slot = new Date(Math.floor(now / HOUR) * HOUR - 2 * HOUR + 5 * 60_000);
    const queue = new QueueOfDeadLetters([schedulerDeadLetter('rollup-hourly', 'rollup', slot.toISOString()), { receipt: 'noise', body: '{}', attributes: {} }]);
    const range = { from: new Date(slot.getTime() - HOUR + 1).toISOString(), to: new Date(slot.getTime() + HOUR - 1).toISOString() };
    const before = await api.call('GET', '/scheduler/tasks/rollup-hourly/slots', { token: TEST_TOKENS.read, query: range });

    // Act
    const report = await drainScheduleDeadLetters(api.runtime.deps, queue, silentLogger);
    const after = await api.call('GET', '/scheduler/tasks/rollup-hourly/slots', { token: TEST_TOKENS.read, query: range });

    // Assess
    expect(before.body.slots).toEqual([expect.objectContaining({ scheduledFor: slot.toISOString(), fate: 'missing' })]);
    expect(report).toEqual({ recorded: [{ schedule: 'rollup-hourly', scheduledFor: slot.toISOString() }], refused: 1 });
    expect(after.status).toBe(200);
    expect(after.body.slots).toEqual([{ scheduledFor: slot.toISOString(), local: expect.stringMatching(/:05:00-0[78]:00$/), fate: 'dead_lettered' }]);
    expect(after.body.counts).toMatchObject({ dead_lettered: 1, missing: 0 });
    expect(queue.messages.map((message) => message.receipt)).toEqual(['noise']);
  });
});
