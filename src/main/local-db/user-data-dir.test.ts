import { homedir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { resolveUserDataDir, userDataDir } from './user-data-dir.ts';

test('KEYLOAD_HOME wins on every platform', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    const env = { KEYLOAD_HOME: '/srv/keyload', XDG_DATA_HOME: '/xdg', APPDATA: 'C:\\AppData' };
    expect(resolveUserDataDir({ platform, env, homedir: '/home/ann' })).toBe('/srv/keyload');
  }
});

test('Linux: XDG_DATA_HOME when absolute, else ~/.local/share', () => {
  const input = { platform: 'linux' as const, homedir: '/home/ann' };
  expect(resolveUserDataDir({ ...input, env: {} })).toBe('/home/ann/.local/share/keyload');
  expect(resolveUserDataDir({ ...input, env: { XDG_DATA_HOME: '/data/ann' } })).toBe('/data/ann/keyload');
  expect(resolveUserDataDir({ ...input, env: { XDG_DATA_HOME: 'relative/dir' } })).toBe('/home/ann/.local/share/keyload');
  expect(resolveUserDataDir({ ...input, env: { XDG_DATA_HOME: '' } })).toBe('/home/ann/.local/share/keyload');
  expect(resolveUserDataDir({ ...input, env: { KEYLOAD_HOME: '' } })).toBe('/home/ann/.local/share/keyload');
});

test('macOS: ~/Library/Application Support/Keyload', () => {
  expect(resolveUserDataDir({ platform: 'darwin', env: { XDG_DATA_HOME: '/xdg' }, homedir: '/Users/ann' })).toBe(
    '/Users/ann/Library/Application Support/Keyload',
  );
});

test('Windows: %APPDATA%\\Keyload, falling back to the roaming profile folder', () => {
  const input = { platform: 'win32' as const, homedir: 'C:\\Users\\ann' };
  expect(resolveUserDataDir({ ...input, env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' } })).toBe(
    'C:\\Users\\ann\\AppData\\Roaming\\Keyload',
  );
  expect(resolveUserDataDir({ ...input, env: {} })).toBe('C:\\Users\\ann\\AppData\\Roaming\\Keyload');
});

test('userDataDir() applies the rule to this process, and makes a relative KEYLOAD_HOME absolute', () => {
  const saved = process.env.KEYLOAD_HOME;
  try {
    delete process.env.KEYLOAD_HOME;
    expect(userDataDir()).toBe(resolveUserDataDir({ platform: process.platform, env: process.env, homedir: homedir() }));
    process.env.KEYLOAD_HOME = 'relative/keyload-home';
    expect(userDataDir()).toBe(path.join(process.cwd(), 'relative', 'keyload-home'));
  } finally {
    if (saved === undefined) delete process.env.KEYLOAD_HOME;
    else process.env.KEYLOAD_HOME = saved;
  }
});

test('as root without KEYLOAD_HOME the local database lives where the postgres user can reach it', async () => {
  const { defaultLocalDbHome } = await import('./local-db.ts');
  expect(defaultLocalDbHome(0, {})).toBe('/var/lib/keyload');
  expect(defaultLocalDbHome(0, { KEYLOAD_HOME: '/data/k' })).not.toBe('/var/lib/keyload');
  expect(defaultLocalDbHome(1000, {})).not.toBe('/var/lib/keyload');
});
