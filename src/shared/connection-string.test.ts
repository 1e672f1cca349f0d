import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { connectionUrl, describeConnection, parseConnectionString } from './connection-string.ts';

describe('connection URLs', () => {
  test('every part, percent-decoded', () => {
    expect(parseConnectionString('postgresql://ann%40corp:p%40ss%3Aw%2Frd%20%C3%BC@db.example.com:6432/sales%20db?sslmode=require&application_name=x')).toEqual({
      user: 'ann@corp',
      password: 'p@ss:w/rd ü',
      host: 'db.example.com',
      port: 6432,
      database: 'sales db',
      sslMode: 'require',
      ignored: ['application_name'],
    });
  });

  test('parts may be missing; an IPv6 host is in brackets; query parameters fill the rest', () => {
    expect(parseConnectionString('postgres://[::1]/app')).toEqual({ host: '::1', database: 'app', ignored: [] });
    expect(parseConnectionString('postgres://ann@localhost')).toEqual({ user: 'ann', host: 'localhost', ignored: [] });
    expect(parseConnectionString('postgres:///app?host=%2Fvar%2Frun%2Fpostgresql&port=5433&user=ann')).toEqual({
      host: '/var/run/postgresql',
      port: 5433,
      database: 'app',
      user: 'ann',
      ignored: [],
    });
  });

  test('any password survives encoding and parsing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), (user, password) => {
        const parsed = parseConnectionString(`postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@h:5432/d`);
        expect(parsed).toMatchObject({ user, password, host: 'h', port: 5432, database: 'd' });
      }),
    );
  });

  test('mistakes are clear errors', () => {
    expect(() => parseConnectionString('postgres://a:%zz@h/d')).toThrow(/password in the URL has a broken percent-encoding/);
    expect(() => parseConnectionString('postgres://h:99999/d')).toThrow(/port "99999"/);
    expect(() => parseConnectionString('postgres://a,b/d')).toThrow(/several hosts/);
    expect(() => parseConnectionString('postgres://h/d?sslmode=sometimes')).toThrow(/Unknown sslmode "sometimes"/);
    expect(() => parseConnectionString('  ')).toThrow(/empty/);
  });

  test("libpq's other SSL modes become the nearest mode that is no less safe", () => {
    expect(parseConnectionString('postgres://h/d?sslmode=allow').sslMode).toBe('prefer');
    expect(parseConnectionString('postgres://h/d?sslmode=verify-ca').sslMode).toBe('verify-full');
  });
});

describe('keyword/value strings', () => {
  test('bare and quoted values, with escapes, spaces around =', () => {
    expect(parseConnectionString("host=db.internal port = 5432 dbname='sales db' user=ann password='it\\'s a \\\\ secret' sslmode=verify-full connect_timeout=10")).toEqual({
      host: 'db.internal',
      port: 5432,
      database: 'sales db',
      user: 'ann',
      password: "it's a \\ secret",
      sslMode: 'verify-full',
      ignored: ['connect_timeout'],
    });
    expect(parseConnectionString('hostaddr=10.0.0.5 password=a\\ b')).toEqual({ host: '10.0.0.5', password: 'a b', ignored: [] });
  });

  test('any password survives quoting and parsing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (password) => {
        const quoted = `'${password.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
        expect(parseConnectionString(`host=h password=${quoted} dbname=d`)).toMatchObject({ host: 'h', password, database: 'd' });
      }),
    );
  });

  test('mistakes are clear errors', () => {
    expect(() => parseConnectionString("host=h password='open")).toThrow(/Unterminated quoted value for password/);
    expect(() => parseConnectionString('host h')).toThrow(/Missing "=" after host/);
    expect(() => parseConnectionString('=h')).toThrow(/Expected a keyword/);
  });
});

describe('what a mistake says', () => {
  test('never a piece of the string: an unquoted password with spaces is not quoted back', () => {
    const secret = 'hunter2 more words';
    for (const text of [`host=h password=${secret}`, `user:${secret}@host/db`, `host=h password=a b='${secret}`]) {
      let message = '';
      try {
        parseConnectionString(text);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      for (const word of secret.split(' ')) expect(message).not.toContain(word);
    }
    // libpq's own keywords are named: they are never part of a password.
    expect(() => parseConnectionString('host h')).toThrow(/Missing "=" after host/);
    expect(() => parseConnectionString('host=h password=a b')).toThrow(/Missing "=" after the keyword at character 19/);
  });
});

describe('the URL node-postgres connects with', () => {
  test('round-trips any user, password and database through parsing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), fc.string({ unit: 'grapheme' }), fc.stringMatching(/^[\w $@:&=+,;-]{1,20}$/), (user, password, database) => {
        const url = connectionUrl({ host: 'db.internal', port: 6432, user, password, database, sslMode: 'disable' });
        expect(parseConnectionString(url)).toMatchObject({ user, password, database, host: 'db.internal', port: 6432 });
      }),
    );
  });

  test('sslmode as psql means it; none given leaves node-postgres its default', () => {
    const fields = { host: '::1', port: 5432, user: 'u', password: 'p', database: 'd' };
    expect(connectionUrl({ ...fields, sslMode: 'require' })).toBe('postgres://u:p@[::1]:5432/d?sslmode=require&uselibpqcompat=true');
    expect(connectionUrl({ ...fields, sslMode: 'disable' })).toBe('postgres://u:p@[::1]:5432/d?sslmode=disable');
    expect(connectionUrl(fields)).toBe('postgres://u:p@[::1]:5432/d');
  });

  test('what is shown names the user, host, port and database, never the password', () => {
    expect(describeConnection(parseConnectionString("host=db user=ann password='s3cret' dbname=sales"))).toBe('ann@db:5432/sales');
    expect(describeConnection(parseConnectionString('postgres://ann:s3cret@[::1]:6432'))).toBe('ann@[::1]:6432/ann');
  });
});
