import { expect, test } from 'vitest';
import { chooseConnection, maskPassword } from './connection.ts';

test('--dsn wins over DATABASE_URL, which wins over PG* variables; nothing means the local database', () => {
  const env = { DATABASE_URL: 'postgres://u@h/d', PGHOST: 'x' };
  expect(chooseConnection('postgres://a@b/c', env)?.source).toBe('dsn');
  expect(chooseConnection(undefined, env)).toEqual({ connectionString: 'postgres://u@h/d', source: 'DATABASE_URL' });
  expect(chooseConnection(undefined, { PGHOST: 'x' })).toEqual({ connectionString: undefined, source: 'PG environment' });
  expect(chooseConnection(undefined, {})).toBeNull();
});

test('passwords are masked in URLs and key=value strings', () => {
  expect(maskPassword('postgres://bob:s3cr%40t@db:5432/x')).toBe('postgres://bob:***@db:5432/x');
  expect(maskPassword('failed for postgresql://a:b@c/d and more')).toBe('failed for postgresql://a:***@c/d and more');
  expect(maskPassword("host=db password='p w' user=x")).toBe('host=db password=*** user=x');
  expect(maskPassword('postgres://nopass@db/x')).toBe('postgres://nopass@db/x');
});
