import pg from 'pg';
import { expect, test } from 'vitest';
import { chooseConnection, maskPassword } from './connection.ts';

test('--dsn wins over DATABASE_URL, which wins over PG* variables; nothing means the local database', () => {
  const env = { DATABASE_URL: 'postgres://u@h/d', PGHOST: 'x' };
  expect(chooseConnection('postgres://a@b/c', env)?.source).toBe('dsn');
  expect(chooseConnection(undefined, env)).toEqual({ connectionString: 'postgres://u@h/d', source: 'DATABASE_URL', display: 'u@h:5432/d', unused: [] });
  expect(chooseConnection(undefined, { PGHOST: 'x' })).toEqual({ connectionString: undefined, source: 'PG environment', display: '@x:5432/', unused: [] });
  expect(chooseConnection(undefined, {})).toBeNull();
});

test('passwords are masked in URLs and key=value strings', () => {
  expect(maskPassword('postgres://bob:s3cr%40t@db:5432/x')).toBe('postgres://bob:***@db:5432/x');
  expect(maskPassword('failed for postgresql://a:b@c/d and more')).toBe('failed for postgresql://a:***@c/d and more');
  expect(maskPassword("host=db password='p w' user=x")).toBe('host=db password=*** user=x');
  expect(maskPassword('postgres://nopass@db/x')).toBe('postgres://nopass@db/x');
});

test('a keyword/value string becomes the URL node-postgres reads, with libpq defaults from PG* variables', () => {
  const choice = chooseConnection("host=db.internal dbname='sales db' password='it\\'s' application_name=x", { PGUSER: 'ann', PGPORT: '6432' });
  expect(choice).toEqual({
    connectionString: "postgres://ann:it's@db.internal:6432/sales%20db",
    source: 'dsn',
    display: 'ann@db.internal:6432/sales db',
    unused: ['application_name'],
  });
  const client = new pg.Client({ connectionString: choice?.connectionString });
  expect({ user: client.user, password: client.password, host: client.host, port: client.port, database: client.database }).toEqual({
    user: 'ann', password: "it's", host: 'db.internal', port: 6432, database: 'sales db',
  });
});

test('a string that is neither a URL nor keyword/value pairs is a usage error that does not quote it', () => {
  for (const dsn of ['kluser:S3cretPW@host/db', 'host=h password=S3cret PW']) {
    expect(() => chooseConnection(dsn, {})).toThrow(expect.objectContaining({ code: 'KEYLOAD_USAGE', message: expect.not.stringContaining('S3cret') as unknown }) as Error);
  }
});

test('a password once seen is masked wherever it turns up later', () => {
  chooseConnection('postgres://ann:Pa55%20word@db/x', {});
  expect(maskPassword('server said: bad "Pa55 word" and Pa55%20word')).toBe('server said: bad "***" and ***');
});
