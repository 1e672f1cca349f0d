// `keyload demo`: writes sample CSV and Parquet files whose keys overlap and which hold a few bad
// rows, loads them into keyload_demo.customers (the local database unless --dsn says otherwise)
// and prints the summary: the quickest way to see upserts, duplicates and rejects at work.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parquetWriteFile } from 'hyparquet-writer';
import pg from 'pg';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { csvText } from '../../engine/index.ts';
import { userDataDir } from '../../local-db/user-data-dir.ts';
import { resolveConnection, runLoadCommand } from './load.ts';

const cities = ['Lisbon', 'Porto', 'Zürich', 'Kraków', 'São Paulo', 'Montréal'];

interface Customer {
  id: number;
  name: string;
  city: string;
  balance: string;
  updatedAt: string;
}

function customer(id: number, version: number): Customer {
  const day = String(1 + ((id + version) % 28)).padStart(2, '0');
  return {
    id,
    name: `Customer ${id}${version > 1 ? ` (v${version})` : ''}`,
    city: cities[(id + version) % cities.length] as string,
    balance: ((id * 37 + version * 101) % 100000 / 100).toFixed(2),
    updatedAt: `2025-0${version}-${day}T12:00:00Z`,
  };
}

// Sample data is loaded as written, so no formula escaping.
const csv = (rows: string[][], delimiter: string): string => csvText(rows, { delimiter, recordDelimiter: '\r\n', escapeFormulas: false });

const header = ['id', 'name', 'city', 'balance', 'updated_at'];
const asRow = (c: Customer) => [String(c.id), c.name, c.city, c.balance, c.updatedAt];

export async function writeDemoFiles(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const first = Array.from({ length: 1000 }, (_, i) => asRow(customer(i + 1, 1)));
  // Three bad rows: a missing field, a balance that is not a number, a date that does not exist.
  first.splice(100, 0, ['5001', 'Broken row']);
  first.splice(200, 0, ['5002', 'Bad balance', 'Porto', 'lots', '2025-01-01T00:00:00Z']);
  first.splice(300, 0, ['5003', 'Bad date', 'Porto', '1.00', '2025-02-30T00:00:00Z']);
  // A key repeated inside the file: the later row wins.
  first.push(asRow({ ...customer(7, 1), name: 'Customer 7 (corrected)' }));
  const second = Array.from({ length: 500 }, (_, i) => asRow(customer(751 + i, 2)));
  const updates = Array.from({ length: 300 }, (_, i) => customer(1101 + i, 3));

  const paths = [join(dir, '01-customers.csv'), join(dir, '02-customers-semicolon.csv'), join(dir, '03-updates.parquet')];
  await writeFile(paths[0] as string, csv([header, ...first], ','));
  await writeFile(paths[1] as string, csv([header, ...second], ';'));
  parquetWriteFile({
    filename: paths[2] as string,
    columnData: [
      { name: 'id', data: BigInt64Array.from(updates.map((c) => BigInt(c.id))), type: 'INT64' },
      { name: 'name', data: updates.map((c) => c.name), type: 'STRING' },
      { name: 'city', data: updates.map((c) => c.city), type: 'STRING' },
      { name: 'balance', data: updates.map((c) => c.balance), type: 'STRING' },
      { name: 'updated_at', data: updates.map((c) => new Date(c.updatedAt)), type: 'TIMESTAMP' },
    ],
  });
  return paths;
}

export async function demoCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { dsn: { type: 'string' }, dir: { type: 'string' } } }));
  } catch (error) {
    throw new KeyloadError(ErrorCodes.usage, (error as Error).message);
  }
  const dir = values.dir ?? join(userDataDir(), 'demo');
  const files = await writeDemoFiles(dir);
  process.stderr.write(`Wrote ${files.length} sample files to ${dir}\n`);
  const client = new pg.Client({ connectionString: (await resolveConnection(values.dsn, () => {})).connectionString });
  await client.connect();
  try {
    // A fresh table on every run, so the demo always shows the same story.
    await client.query('CREATE SCHEMA IF NOT EXISTS keyload_demo; DROP TABLE IF EXISTS keyload_demo.customers');
    await client.query(`CREATE TABLE keyload_demo.customers (
      id bigint PRIMARY KEY, name text NOT NULL, city text, balance numeric(12,2), updated_at timestamptz)`);
  } finally {
    await client.end();
  }
  const result = await runLoadCommand({ options: { files, table: 'keyload_demo.customers', force: true }, dsn: values.dsn, json: false });
  process.stderr.write(
    `\nLoaded into keyload_demo.customers. The rejected rows are in the rejects file above.\n` +
      `Look at the table with: psql "$(npx keyload local-db url)" -c 'SELECT * FROM keyload_demo.customers ORDER BY id LIMIT 10'\n`,
  );
  // The three rejected rows are part of the demo, so "loaded with rejects" (3) counts as success.
  return result.exitCode === 3 ? 0 : result.exitCode;
}
