import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLeaseStore } from '../../../functions/adapters/dynamodb/lease-store';
import { LeaseLostError } from '../../../functions/core/jobs/errors';
import { FakeClock } from '../../helpers/clock';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TTL_MS = 60_000;
const START = '2026-11-23T10:00:00.000Z';
const at = (offsetMs: number): Date => new Date(Date.parse(START) + offsetMs);

describe('DynamoDbLeaseStore', () => {
  let storage: TestStorage;

  /** A store on its own fake clock, so each test moves time for itself. */
  function leaseStore(): { leases: DynamoDbLeaseStore; clock: FakeClock } {
    const clock = new FakeClock(START);
    return { leases: new DynamoDbLeaseStore(storage.documentClient, storage.names.jobsTable, clock), clock };
  }

  async function rawLease(name: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await storage.documentClient.send(
      new GetCommand({ TableName: storage.names.jobsTable, Key: { id: `lease#${name}` }, ConsistentRead: true }),
    );
    return Item;
  }

  beforeAll(async () => {
    storage = await createTestStorage('ledger-leases');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  describe('acquire', () => {
    it('takes a free lease until now + ttl and stores owner and expiry', async () => {
      // Prepare
      const { leases } = leaseStore();

      // Act
      const attempt = await leases.acquire('rollup-free', 'worker-a', TTL_MS);
      const stored = await rawLease('rollup-free');

      // Assess
      expect(attempt).toEqual({ acquired: true, until: at(TTL_MS) });
      expect(stored).toEqual({
        id: 'lease#rollup-free',
        owner: 'worker-a',
        leaseUntil: at(TTL_MS).getTime(),
        leaseUntilIso: at(TTL_MS).toISOString(),
        acquiredAt: START,
        expiresAt: Math.ceil(at(TTL_MS).getTime() / 1000) + 86_400,
      });
    });

    it('refuses a second owner while the lease is held, up to and including its expiry, naming the holder', async () => {
      // Prepare
      const { leases, clock } = leaseStore();
      await leases.acquire('rollup-held', 'worker-a', TTL_MS);

      // Act
      const early = await leases.acquire('rollup-held', 'worker-b', TTL_MS);
      clock.advance(TTL_MS);
      const atExpiry = await leases.acquire('rollup-held', 'worker-b', TTL_MS);

      // Assess
      expect(early).toEqual({ acquired: false, holder: 'worker-a', until: at(TTL_MS) });
      expect(atExpiry).toEqual({ acquired: false, holder: 'worker-a', until: at(TTL_MS) });
      expect((await rawLease('rollup-held'))?.['owner']).toBe('worker-a');
    });

    it('lets the owner acquire again, extending its lease', async () => {
      // Prepare
      const { leases, clock } = leaseStore();
      await leases.acquire('rollup-again', 'worker-a', TTL_MS);
      clock.advance(20_000);

      // Act
      const again = await leases.acquire('rollup-again', 'worker-a', TTL_MS);
      const other = await leases.acquire('rollup-again', 'worker-b', TTL_MS);

      // Assess
      expect(again).toEqual({ acquired: true, until: at(20_000 + TTL_MS) });
      expect(other).toEqual({ acquired: false, holder: 'worker-a', until: at(20_000 + TTL_MS) });
    });

    it('lets another owner take an expired lease back from a crashed holder', async () => {
      // Prepare
      const { leases, clock } = leaseStore();
      await leases.acquire('rollup-crashed', 'worker-a', TTL_MS);
      clock.advance(TTL_MS + 1);

      // Act
      const taken = await leases.acquire('rollup-crashed', 'worker-b', TTL_MS);
      const oldOwnerRenew = await leases.renew('rollup-crashed', 'worker-a', TTL_MS).catch((thrown: unknown) => thrown);

      // Assess
      expect(taken).toEqual({ acquired: true, until: at(TTL_MS + 1 + TTL_MS) });
      expect(oldOwnerRenew).toBeInstanceOf(LeaseLostError);
      expect(await rawLease('rollup-crashed')).toMatchObject({ owner: 'worker-b', leaseUntil: at(2 * TTL_MS + 1).getTime() });
    });

    it('lets exactly one of 20 concurrent owners acquire a free lease', async () => {
      // Prepare
      const { leases } = leaseStore();
      const owners = Array.from({ length: 20 }, (_, index) => `worker-${index}`);

      // Act
      const attempts = await Promise.all(owners.map((owner) => leases.acquire('rollup-race', owner, TTL_MS)));
      const stored = await rawLease('rollup-race');

      // Assess
      const winners = owners.filter((_, index) => attempts[index]!.acquired);
      expect(winners).toHaveLength(1);
      expect(stored?.['owner']).toBe(winners[0]);
      for (const attempt of attempts.filter((candidate) => !candidate.acquired)) {
        expect(attempt).toEqual({ acquired: false, holder: winners[0], until: at(TTL_MS) });
      }
    });
  });

  describe('renew', () => {
    it('extends the owner lease so that others stay out until the new expiry', async () => {
      // Prepare
      const { leases, clock } = leaseStore();
      await leases.acquire('rollup-renew', 'worker-a', TTL_MS);
      clock.advance(TTL_MS);

      // Act
      const until = await leases.renew('rollup-renew', 'worker-a', TTL_MS);
      clock.advance(TTL_MS - 1);
      const other = await leases.acquire('rollup-renew', 'worker-b', TTL_MS);

      // Assess
      expect(until).toEqual(at(2 * TTL_MS));
      expect(other).toEqual({ acquired: false, holder: 'worker-a', until: at(2 * TTL_MS) });
    });

    it('throws LeaseLostError for a non-owner and leaves the lease as it was', async () => {
      // Prepare
      const { leases } = leaseStore();
      await leases.acquire('rollup-renew-other', 'worker-a', TTL_MS);
      const before = await rawLease('rollup-renew-other');

      // Act
      const outcome = await leases.renew('rollup-renew-other', 'worker-b', 5 * TTL_MS).catch((thrown: unknown) => thrown);

      // Assess
      expect(outcome).toBeInstanceOf(LeaseLostError);
      expect(outcome).toMatchObject({ code: 'lease_lost', lease: 'rollup-renew-other', owner: 'worker-b' });
      expect(await rawLease('rollup-renew-other')).toEqual(before);
    });

    it('throws LeaseLostError to the old owner once its lease has expired, even if nobody took it', async () => {
      // Prepare
      const { leases, clock } = leaseStore();
      await leases.acquire('rollup-renew-late', 'worker-a', TTL_MS);
      clock.advance(TTL_MS + 1);

      // Act
      const outcome = await leases.renew('rollup-renew-late', 'worker-a', TTL_MS).catch((thrown: unknown) => thrown);

      // Assess
      expect(outcome).toBeInstanceOf(LeaseLostError);
      expect(outcome).toMatchObject({ lease: 'rollup-renew-late', owner: 'worker-a' });
      expect(await rawLease('rollup-renew-late')).toMatchObject({ owner: 'worker-a', leaseUntil: at(TTL_MS).getTime() });
    });

    it('throws LeaseLostError for a lease that was never taken', async () => {
      // Prepare
      const { leases } = leaseStore();

      // Act
      const outcome = await leases.renew('rollup-never', 'worker-a', TTL_MS).catch((thrown: unknown) => thrown);

      // Assess
      expect(outcome).toBeInstanceOf(LeaseLostError);
      expect(await rawLease('rollup-never')).toBeUndefined();
    });
  });

  describe('release', () => {
    it('throws LeaseLostError for a non-owner and the lease stays held', async () => {
      // Prepare
      const { leases } = leaseStore();
      await leases.acquire('rollup-release-other', 'worker-a', TTL_MS);

      // Act
      const outcome = await leases.release('rollup-release-other', 'worker-b').catch((thrown: unknown) => thrown);
      const attempt = await leases.acquire('rollup-release-other', 'worker-c', TTL_MS);

      // Assess
      expect(outcome).toBeInstanceOf(LeaseLostError);
      expect(outcome).toMatchObject({ code: 'lease_lost', lease: 'rollup-release-other', owner: 'worker-b' });
      expect(attempt).toEqual({ acquired: false, holder: 'worker-a', until: at(TTL_MS) });
    });

    it('frees the lease when its owner gives it back, so another owner takes it at once', async () => {
      // Prepare
      const { leases } = leaseStore();
      await leases.acquire('rollup-release', 'worker-a', TTL_MS);

      // Act
      await leases.release('rollup-release', 'worker-a');
      const afterRelease = await rawLease('rollup-release');
      const attempt = await leases.acquire('rollup-release', 'worker-b', TTL_MS);

      // Assess
      expect(afterRelease).toBeUndefined();
      expect(attempt).toEqual({ acquired: true, until: at(TTL_MS) });
    });
  });
});
