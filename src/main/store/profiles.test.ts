import { expect, test } from 'vitest';
import { ErrorCodes } from '../../shared/errors.ts';
import type { MappingProfile } from '../../shared/mapping-profile.ts';
import { ProfileStore } from './profiles.ts';
import { openTempDatabase } from './test-database.ts';

const orders: MappingProfile = { version: 1, columns: { OrderID: 'id', Notes: null }, table: 'public.orders', key: ['id'] };

test('profiles round-trip, listed by name, and saving a name again replaces it', () => {
  const profiles = new ProfileStore(openTempDatabase());
  expect(profiles.list()).toEqual([]);
  profiles.save('orders', orders);
  profiles.save('Customers', { version: 1, columns: {} });
  expect(profiles.list()).toEqual([
    { name: 'Customers', profile: { version: 1, columns: {} } },
    { name: 'orders', profile: orders },
  ]);

  const changed: MappingProfile = { version: 1, columns: { OrderID: 'order_id' } };
  profiles.save('orders', changed);
  expect(profiles.list().find((p) => p.name === 'orders')?.profile).toEqual(changed);
  expect(profiles.list()).toHaveLength(2);
});

test('an invalid profile is rejected and nothing is stored', () => {
  const profiles = new ProfileStore(openTempDatabase());
  const invalid = { version: 2, columns: { a: 5 } } as unknown as MappingProfile;
  expect(() => profiles.save('bad', invalid)).toThrow(expect.objectContaining({ code: ErrorCodes.mapping, message: expect.stringMatching(/Invalid mapping profile "bad": version: .*columns\.a: /) }));
  expect(profiles.list()).toEqual([]);
});
