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

/** Writes `count` lines, line(i) for i = 0..count-1, after the header. Returns the file size. */
async function writeLines(path: string, count: number, line: (i: number) => string): Promise<number> {
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  for (let start = 0; start < count; start += CHUNK_ROWS) {
    let chunk = '';
    for (let i = start; i < Math.min(start + CHUNK_ROWS, count); i++) chunk += line(i);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
  return (await stat(path)).size;
}

/** Writes rows first..first+count-1; `version` gives each id's variant. Returns the file size. */
function writeRows(path: string, seed: number, first: number, count: number, version: (id: number) => number): Promise<number> {
  return writeLines(path, count, (i) => csvRow(seed, first + i, version(first + i)));
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

/**
 * Overlapping files for the parallel and preview cases. Ids come in blocks of 30 whose rows are
 * spread over 40 row slots: 21 ids (70%) appear in one file, 8 in two files and 1 in three (30% of
 * the keys in two or more files). Slot s of a block goes to file perm[s mod n], where perm is a
 * permutation of the n files drawn per block, so every file gets exactly 40/n rows per block, the
 * two or three copies of a shared id land in different files (their slots are consecutive), and
 * which files share keys varies from block to block. A row's values are the id's version `file + 1`,
 * so a shared key's values differ between files. Each file lists its ids in ascending order.
 */
export const OVERLAP_BLOCK_IDS = 30;
export const OVERLAP_BLOCK_ROWS = 40;

/** The id offset within its block for row slot s (0..39): 0..20 once, 21..28 twice, 29 three times. */
function slotOffset(slot: number): number {
  if (slot < 21) return slot;
  if (slot < 37) return 21 + Math.floor((slot - 21) / 2);
  return 29;
}

/** The block's file for each of the first n slots (slot s goes to perm[s mod n]). */
function blockPermutation(seed: number, block: number, n: number): number[] {
  const random = rowRandom(seed ^ 0x5bd1e995, block, n);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
  }
  return perm;
}

/**
 * Writes `paths.length` files (n must divide 40, n >= 3) of `blocks * 40 / n` rows each, in one
 * streaming pass. Returns each file's size.
 */
export async function writeOverlappingCsvs(paths: string[], blocks: number, seed: number): Promise<number[]> {
  const n = paths.length;
  if (n < 3 || OVERLAP_BLOCK_ROWS % n !== 0) throw new Error(`writeOverlappingCsvs: ${n} files; need a divisor of ${OVERLAP_BLOCK_ROWS} of at least 3`);
  const outs = paths.map((path) => createWriteStream(path));
  const chunks = outs.map(() => `${HEADER}\n`);
  const flush = async (file: number) => {
    const out = outs[file] as ReturnType<typeof createWriteStream>;
    const ok = out.write(chunks[file] as string);
    chunks[file] = '';
    if (!ok) await once(out, 'drain');
  };
  const blocksPerChunk = Math.max(1, Math.floor(CHUNK_ROWS / (OVERLAP_BLOCK_ROWS / n)));
  for (let block = 0; block < blocks; block++) {
    const perm = blockPermutation(seed, block, n);
    const first = block * OVERLAP_BLOCK_IDS;
    for (let slot = 0; slot < OVERLAP_BLOCK_ROWS; slot++) {
      const file = perm[slot % n] as number;
      chunks[file] += csvRow(seed, first + slotOffset(slot), file + 1);
    }
    if ((block + 1) % blocksPerChunk === 0) for (let file = 0; file < n; file++) await flush(file);
  }
  for (let file = 0; file < n; file++) {
    await flush(file);
    (outs[file] as ReturnType<typeof createWriteStream>).end();
  }
  await Promise.all(outs.map((out) => finished(out)));
  return Promise.all(paths.map(async (path) => (await stat(path)).size));
}

/**
 * Many overlapping files (the small-files and mixed cases, up to 1,000 files), written one after
 * another so only one is open at a time. The same blocks of 30 ids over 40 row slots as
 * writeOverlappingCsvs (30% of the keys in two or three files), laid end to end from id `firstId`;
 * row slot p of the whole sequence goes to file p mod n. So every file gets `rowsPerFile` rows, a
 * shared id's copies (consecutive slots) land in consecutive files (n >= 3 keeps them apart), ids
 * ascend within a file, and a row's values are the id's version `file + 1`. Returns each file's size.
 */
export async function writeStripedCsvs(paths: string[], rowsPerFile: number, firstId: number, seed: number): Promise<number[]> {
  const n = paths.length;
  if (n < 3) throw new Error(`writeStripedCsvs: ${n} files; need at least 3`);
  const sizes: number[] = [];
  for (const [file, path] of paths.entries()) {
    sizes.push(
      await writeLines(path, rowsPerFile, (i) => {
        const slot = file + i * n;
        const id = firstId + Math.floor(slot / OVERLAP_BLOCK_ROWS) * OVERLAP_BLOCK_IDS + slotOffset(slot % OVERLAP_BLOCK_ROWS);
        return csvRow(seed, id, file + 1);
      }),
    );
  }
  return sizes;
}

/** Rows per file in the small-files and mixed cases, whatever --rows says: small files stay small. */
export const SMALL_FILE_ROWS = 1000;

/**
 * How `rows` rows are split into many small files: SMALL_FILE_ROWS rows per file, so the count
 * scales with --rows (20 files at --rows 20000), between 3 and `maxFiles`; past maxFiles x 1,000
 * rows the files grow instead.
 */
export function manyFiles(rows: number, maxFiles: number): { files: number; rowsPerFile: number } {
  const files = Math.min(maxFiles, Math.max(3, Math.floor(rows / SMALL_FILE_ROWS)));
  return { files, rowsPerFile: Math.max(1, Math.floor(rows / files)) };
}
