// Deterministic benchmark data: every row is a pure function of (seed, id, version), so the
// upsert file's unchanged rows are byte-identical to the base file's and any run can be repeated.
// Files are written in chunks with backpressure, never held whole in memory.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';

export const HEADER = 'id,name,city,amount,created_at';

const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Sophia', 'Elijah', 'Mia', 'James', 'Ava', 'Lucas', 'Zoë', 'Mateo', 'Chloé', 'Henry'];
const LAST = ['Smith', 'Johnson', 'García', 'Brown', 'Müller', 'Davis', 'Martinez', 'Wilson', "O'Brien", 'Taylor', 'Nguyen', 'Kowalski', 'Rossi', 'Dubois', 'Silva', 'Kim'];
// A few values need CSV quoting, so both tools exercise their quoted-field paths.
const CITIES = ['Berlin', 'Paris', 'Lisbon', 'Kraków', 'Oslo', 'Austin', 'Osaka', 'Toronto', '"Washington, D.C."', 'São Paulo', 'Nairobi', 'Dublin', '"Portland, OR"', 'Zürich', 'Lyon', 'Seoul'];

const EPOCH_2020 = Date.UTC(2020, 0, 1);
const FIVE_YEARS_MS = 5 * 365 * 24 * 3600 * 1000;
const CHUNK_ROWS = 10_000;

/** murmur3's 32-bit finaliser: spreads (seed, id, version) over the whole state space. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32 over a state seeded from the row's identity. */
function rowRandom(seed: number, id: number, version: number): () => number {
  let state = mix(mix(seed) ^ mix(id + 0x9e3779b9) ^ Math.imul(version + 1, 0x27d4eb2f));
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)] as T;
}

/** One CSV line (with newline) for row `id` in its `version` (0 = as in the base file). */
export function csvRow(seed: number, id: number, version: number): string {
  const random = rowRandom(seed, id, version);
  const name = `${pick(FIRST, random)} ${pick(LAST, random)}`;
  const city = pick(CITIES, random);
  const amount = Math.floor(random() * 10_000_000_000);
  const created = new Date(EPOCH_2020 + Math.floor(random() * FIVE_YEARS_MS)).toISOString();
  return `${id},${name},${city},${amount},${created.slice(0, 10)} ${created.slice(11, 23)}+00\n`;
}

/** Writes rows first..first+count-1; `version` gives each id's variant. Returns the file size. */
async function writeRows(path: string, seed: number, first: number, count: number, version: (id: number) => number): Promise<number> {
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  for (let start = first; start < first + count; start += CHUNK_ROWS) {
    let chunk = '';
    for (let id = start; id < Math.min(start + CHUNK_ROWS, first + count); id++) chunk += csvRow(seed, id, version(id));
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
  return (await stat(path)).size;
}

/** The table's starting content, and the append data: ids 0..rows-1. */
export function writeBaseCsv(path: string, rows: number, seed: number): Promise<number> {
  return writeRows(path, seed, 0, rows, () => 0);
}

/**
 * The upsert data: ids rows/2 .. rows/2+rows-1, so half of them exist in the base table; of those,
 * the even ids carry changed values and the odd ids are identical to the base rows.
 */
export function writeUpsertCsv(path: string, rows: number, seed: number): Promise<number> {
  return writeRows(path, seed, Math.floor(rows / 2), rows, (id) => (id < rows && id % 2 === 0 ? 1 : 0));
}
