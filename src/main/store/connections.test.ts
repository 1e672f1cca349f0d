import pg from 'pg';
import { expect, test } from 'vitest';
import { ErrorCodes } from '../../shared/errors.ts';
import { builtinConnectionId, ConnectionStore, type ConnectionSave, type SecretBox } from './connections.ts';
import { databaseBytes, openTempDatabase, tempDatabaseFile } from './test-database.ts';

const password = 'Sup3r-Secret-Pässword';
const localUrl = 'postgres://postgres:local@127.0.0.1:54329/postgres';

/** Really transforms the bytes (XOR), with a marker so that foreign data fails to decrypt. */
function fakeKeychain(options: { canEncrypt?: boolean; key?: number } = {}): SecretBox {
  const marker = Buffer.from('FAKE1:');
  const key = options.key ?? 0x5a;
  const xor = (data: Buffer) => Buffer.from(data.map((byte) => byte ^ key));
  return {
    canEncrypt: () => options.canEncrypt ?? true,
    encrypt: (plain) => Buffer.concat([marker, xor(Buffer.from(`${key}:${plain}`, 'utf8'))]),
    decrypt: (data) => {
      if (!data.subarray(0, marker.length).equals(marker)) throw new Error('not ours');
      const text = xor(data.subarray(marker.length)).toString('utf8');
      if (!text.startsWith(`${key}:`)) throw new Error('wrong key');
      return text.slice(`${key}:`.length);
    },
  };
}

const input: ConnectionSave = { name: 'Production', host: 'db.example.com', port: 5432, database: 'sales', user: 'loader', sslMode: 'require' };

function store(secrets: SecretBox | null, file = tempDatabaseFile()) {
  return new ConnectionStore(openTempDatabase(file), secrets, { url: async () => localUrl, dataDir: async () => '/home/ann/.local/share/keyload/postgres/data' });
}

/** How node-postgres itself reads the URL. */
function parsed(url: string) {
  const client = new pg.Client({ connectionString: url });
  return { user: client.user, password: client.password, host: client.host, port: client.port, database: client.database, ssl: client.ssl };
}

test('the built-in local database comes first, then saved connections by name', async () => {
  const connections = store(fakeKeychain());
  connections.save({ ...input, name: 'zeta' });
  connections.save({ ...input, name: 'Alpha' });
  connections.save({ ...input, name: 'beta' });
  const list = connections.list();
  expect(list.map((c) => c.name)).toEqual(['Local database', 'Alpha', 'beta', 'zeta']);
  expect(list[0]).toMatchObject({ id: 'local', builtin: true, hasPassword: true, host: '127.0.0.1' });
  expect(list.slice(1).every((c) => !c.builtin)).toBe(true);
  expect(await connections.connectionString(builtinConnectionId)).toBe(localUrl);
});

test('the built-in connection can be neither removed nor changed', () => {
  const connections = store(fakeKeychain());
  expect(() => connections.remove('local')).toThrow(expect.objectContaining({ code: ErrorCodes.usage, message: expect.stringMatching(/cannot be removed/) }));
  expect(() => connections.save({ ...input, id: 'local' })).toThrow(/cannot be changed/);
  expect(connections.list()[0]?.id).toBe('local');
});

test('save inserts, then updates by id; remove deletes', () => {
  const connections = store(fakeKeychain());
  const saved = connections.save(input);
  expect(saved).toEqual({ ...input, id: saved.id, builtin: false, hasPassword: false, passwordStore: null });
  const updated = connections.save({ ...input, id: saved.id, name: 'Prod', port: 6432 });
  expect(updated).toMatchObject({ id: saved.id, name: 'Prod', port: 6432 });
  expect(connections.list()).toHaveLength(2);
  expect(() => connections.save({ ...input, id: 'no-such-id' })).toThrow(/No connection/);
  expect(() => connections.save({ ...input, port: 0 })).toThrow();
  connections.remove(saved.id);
  connections.remove(saved.id);
  expect(connections.list().map((c) => c.id)).toEqual(['local']);
});

test('a stored password is encrypted: the database files never contain it in plain text', async () => {
  const file = tempDatabaseFile();
  const keychain = fakeKeychain();
  const connections = store(keychain, file);
  const saved = connections.save({ ...input, password });
  expect(saved).toMatchObject({ hasPassword: true, passwordStore: 'keychain' });
  expect(parsed(await connections.connectionString(saved.id)).password).toBe(password);

  const needle = Buffer.from(password, 'utf8');
  expect(databaseBytes(file).includes(needle)).toBe(false);
  // Also after a checkpoint has moved the WAL into the main file.
  const db = openTempDatabase(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  expect(databaseBytes(file).includes(needle)).toBe(false);
  // What is stored is what the keychain produced.
  const stored = db.prepare<[string], { password: Buffer }>('SELECT password FROM connections WHERE id = ?').get(saved.id);
  expect(stored && keychain.decrypt(stored.password)).toBe(password);
});

test('saving without a password keeps the stored one; an empty password forgets it', async () => {
  const connections = store(fakeKeychain());
  const saved = connections.save({ ...input, password });
  expect(connections.save({ ...input, id: saved.id, host: 'db2.example.com' }).hasPassword).toBe(true);
  expect(parsed(await connections.connectionString(saved.id))).toMatchObject({ host: 'db2.example.com', password });

  expect(connections.save({ ...input, id: saved.id, password: '' }).hasPassword).toBe(false);
  await expect(connections.connectionString(saved.id)).rejects.toMatchObject({ code: ErrorCodes.connection, message: expect.stringMatching(/password is needed/) });
  expect(parsed(await connections.connectionString(saved.id, 'typed')).password).toBe('typed');
});

test('the stored password wins over one passed in', async () => {
  const connections = store(fakeKeychain());
  const saved = connections.save({ ...input, password });
  expect(parsed(await connections.connectionString(saved.id, 'other')).password).toBe(password);
});

test.each([
  ['a keychain that cannot encrypt (Linux basic_text)', fakeKeychain({ canEncrypt: false })],
  ['no keychain (the web host)', null],
])('with %s, a password is held in memory for the session only, never written', async (_, secrets) => {
  const file = tempDatabaseFile();
  const connections = store(secrets, file);
  const saved = connections.save({ ...input, password });
  expect(saved).toMatchObject({ hasPassword: true, passwordStore: 'session' });
  expect(connections.list()[1]).toMatchObject({ hasPassword: true, passwordStore: 'session' });
  expect(parsed(await connections.connectionString(saved.id)).password).toBe(password);
  // Saving other fields keeps it; the database files never see it.
  connections.save({ ...input, id: saved.id, host: 'db2.example.com' });
  expect(parsed(await connections.connectionString(saved.id))).toMatchObject({ host: 'db2.example.com', password });
  const db = openTempDatabase(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  expect(databaseBytes(file).includes(Buffer.from(password, 'utf8'))).toBe(false);
  expect(db.prepare('SELECT password FROM connections').all()).toEqual([{ password: null }]);

  // Another process on the same files (Keyload restarted) asks for it.
  const restarted = store(secrets, file);
  expect(restarted.list()[1]).toMatchObject({ hasPassword: false, passwordStore: null });
  await expect(restarted.connectionString(saved.id)).rejects.toMatchObject({ code: ErrorCodes.connection, message: expect.stringMatching(/password is needed/) });
  expect(parsed(await restarted.connectionString(saved.id, 'typed')).password).toBe('typed');

  // Closing forgets it, and so do an empty password and removing the connection.
  connections.forgetSessionPasswords();
  await expect(connections.connectionString(saved.id)).rejects.toMatchObject({ code: ErrorCodes.connection });
  connections.save({ ...input, id: saved.id, password });
  expect(connections.save({ ...input, id: saved.id, password: '' })).toMatchObject({ hasPassword: false, passwordStore: null });
  connections.save({ ...input, id: saved.id, password });
  connections.remove(saved.id);
  const again = connections.save({ ...input, id: undefined });
  expect(again.passwordStore).toBeNull();
});

test('the local database reports its data directory, and "starting" only while its first start waits', async () => {
  let start: (url: string) => void = () => {};
  const connections = new ConnectionStore(openTempDatabase(tempDatabaseFile()), null, {
    url: () => new Promise((resolve) => (start = resolve)),
    dataDir: async () => '/data/postgres',
  });
  expect(await connections.localDatabase()).toEqual({ state: 'not started', dataDir: '/data/postgres' });
  const url = connections.connectionString(builtinConnectionId);
  expect((await connections.localDatabase()).state).toBe('starting');
  start(localUrl);
  expect(await url).toBe(localUrl);
  expect((await connections.localDatabase()).state).toBe('ready');
});

test('a password stored with a keychain that is no longer usable counts as none', async () => {
  const file = tempDatabaseFile();
  const saved = store(fakeKeychain(), file).save({ ...input, password });

  const unavailable = store(fakeKeychain({ canEncrypt: false }), file);
  expect(unavailable.list()[1]?.hasPassword).toBe(false);
  await expect(unavailable.connectionString(saved.id)).rejects.toMatchObject({ code: ErrorCodes.connection });

  // A different keychain (e.g. a new OS profile) cannot decrypt it: the password passed in is used.
  const changed = store(fakeKeychain({ key: 0x33 }), file);
  await expect(changed.connectionString(saved.id)).rejects.toMatchObject({ code: ErrorCodes.connection });
  expect(parsed(await changed.connectionString(saved.id, 'typed')).password).toBe('typed');
});

test('user, password and database are URL-encoded so that node-postgres reads them back intact', async () => {
  const connections = store(fakeKeychain());
  const special = { user: 'ann@corp:x y', password: 'p@ss:w/rd?#%&+= ü', database: 'my db/ü:@&=+$,;%' };
  const saved = connections.save({ ...input, user: special.user, database: special.database, password: special.password });
  const url = await connections.connectionString(saved.id);
  expect(parsed(url)).toMatchObject({ ...special, host: 'db.example.com', port: 5432 });
  expect(new URL(url).searchParams.get('sslmode')).toBe('require');
});

test('hosts: an IPv6 address in brackets, a socket directory encoded', async () => {
  const connections = store(fakeKeychain());
  const ipv6 = connections.save({ ...input, host: '::1', password });
  expect(parsed(await connections.connectionString(ipv6.id))).toMatchObject({ host: '::1', port: 5432, database: 'sales' });
  const socket = connections.save({ ...input, host: '/var/run/postgresql', password });
  expect(parsed(await connections.connectionString(socket.id))).toMatchObject({ host: '/var/run/postgresql', database: 'sales' });
});

test('sslmode keeps its libpq meaning: require encrypts without verifying, disable turns TLS off', async () => {
  const connections = store(fakeKeychain());
  const ssl = async (sslMode: ConnectionSave['sslMode']) => parsed(await connections.connectionString(connections.save({ ...input, sslMode, password }).id)).ssl;
  expect(await ssl('disable')).toBe(false);
  expect(await ssl('require')).toMatchObject({ rejectUnauthorized: false });
  expect(await ssl('verify-full')).not.toMatchObject({ rejectUnauthorized: false });
});

test('a database name that cannot travel in a URL is refused with a clear error', async () => {
  const connections = store(fakeKeychain());
  for (const database of ['what?', 'a#b', '..']) {
    const saved = connections.save({ ...input, database, password });
    await expect(connections.connectionString(saved.id)).rejects.toMatchObject({ code: ErrorCodes.connection, message: expect.stringMatching(/cannot be used in a connection URL/) });
  }
});

test('connectionString of an unknown connection fails clearly', async () => {
  await expect(store(fakeKeychain()).connectionString('nope', 'pw')).rejects.toMatchObject({ code: ErrorCodes.connection, message: 'No connection nope' });
});
