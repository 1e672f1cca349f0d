// Text encodings: detection from the first bytes, and streaming decode that keeps characters split
// across chunk boundaries intact (TextDecoder with stream: true carries the partial bytes over).
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { CsvDialect } from './source.ts';

export type TextEncoding = CsvDialect['encoding'];

export interface EncodingDetection {
  encoding: TextEncoding;
  /** The sample starts with this encoding's byte order mark (decoding strips it). */
  bom: boolean;
  /**
   * Mostly valid UTF-8 with stray bytes: the offset of the first invalid byte in the sample. Such a
   * file cannot be read as UTF-8, and reading it as Windows-1252 would garble its real characters.
   */
  strayByte?: number;
}

const ENCODING_NAMES: Record<TextEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'windows-1252': 'Windows-1252',
};

export const ENCODINGS = Object.keys(ENCODING_NAMES) as readonly TextEncoding[];

/**
 * Detects the encoding of a file from its first bytes. `complete` says the sample is the whole file;
 * otherwise a multi-byte character cut off at the end of the sample still counts as valid UTF-8.
 * Bytes that are not UTF-8 mean Windows-1252 only when valid multi-byte UTF-8 characters are
 * fewer than the invalid sequences; otherwise the text is UTF-8 with stray bytes (`strayByte`).
 */
export function detectEncoding(sample: Uint8Array, complete: boolean): EncodingDetection {
  const bom = bomEncoding(sample);
  if (bom) return { encoding: bom, bom: true };
  const utf16 = utf16WithoutBom(sample);
  if (utf16) return { encoding: utf16, bom: false };
  const utf8 = utf8Evidence(sample, complete);
  if (utf8.invalid === 0) return { encoding: 'utf-8', bom: false };
  if (utf8.characters >= utf8.invalid) return { encoding: 'utf-8', bom: false, strayByte: utf8.firstInvalid };
  return { encoding: 'windows-1252', bom: false };
}

/** The encoding's display name (UTF-8, Windows-1252). */
export function encodingName(encoding: TextEncoding): string {
  return ENCODING_NAMES[encoding];
}

/** Valid multi-byte UTF-8 characters and invalid sequences in `bytes`, and where the first invalid one is. */
function utf8Evidence(bytes: Uint8Array, complete: boolean): { characters: number; invalid: number; firstInvalid: number } {
  let characters = 0;
  let invalid = 0;
  let firstInvalid = -1;
  for (let i = 0; i < bytes.length; ) {
    if ((bytes[i] ?? 0) < 0x80) {
      i++;
      continue;
    }
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      characters++;
      i += length;
    } else if (length < 0 && !complete) {
      break; // a character cut off by the end of the sample
    } else {
      invalid++;
      if (firstInvalid < 0) firstInvalid = i;
      i++;
    }
  }
  return { characters, invalid, firstInvalid };
}

/** The length of the valid UTF-8 sequence at `i` (2-4), 0 when invalid, -1 when `bytes` ends inside it. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i] ?? 0;
  // The second byte's range depends on the lead (no overlong forms, surrogates or values past U+10FFFF).
  const [length, low, high]: [number, number, number] =
    lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
    : lead === 0xe0 ? [3, 0xa0, 0xbf]
    : lead === 0xed ? [3, 0x80, 0x9f]
    : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
    : lead === 0xf0 ? [4, 0x90, 0xbf]
    : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
    : lead === 0xf4 ? [4, 0x80, 0x8f]
    : [0, 0, 0];
  if (length === 0) return 0;
  for (let k = 1; k < length; k++) {
    const byte = bytes[i + k];
    if (byte === undefined) return -1;
    if (byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) return 0;
  }
  return length;
}

/** The encoding whose byte order mark starts `bytes`, if any. */
export function bomEncoding(bytes: Uint8Array): TextEncoding | undefined {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 'utf-8';
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  return undefined;
}

// Mostly-ASCII UTF-16 without a BOM has a zero in every other byte; text in the other encodings
// never contains zero bytes. Requires zeros on one side only, so binary data is not mistaken for it.
function utf16WithoutBom(sample: Uint8Array): TextEncoding | undefined {
  const pairs = Math.min(sample.length, 4096) >> 1;
  if (pairs < 2) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  if (evenZeros === 0 && oddZeros >= pairs / 2) return 'utf-16le';
  if (oddZeros === 0 && evenZeros >= pairs / 2) return 'utf-16be';
  return undefined;
}

export interface DecodeOptions {
  /** File path for error messages. */
  file: string;
  /** Line the consumer has reached, for error messages; read when invalid bytes are found. */
  currentLine?: () => number;
}

/**
 * Decodes byte chunks to text chunks and strips a leading BOM. Invalid bytes are an error rather
 * than U+FFFD: silently replacing them would change the loaded data. Before failing it yields the
 * valid text up to the bad bytes, so `currentLine` points at the line that holds them.
 */
export async function* decodeText(chunks: AsyncIterable<Uint8Array>, encoding: TextEncoding, options: DecodeOptions): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  // The last bytes seen, to recover the partial character the decoder was holding when it failed.
  let tail: Uint8Array = new Uint8Array(0);
  let consumed = 0;
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      const pending = tail.subarray(tail.length - pendingBytes(tail, consumed, encoding));
      const bytes = concat(pending, chunk);
      const valid = validPrefixLength(bytes, encoding);
      const atStart = consumed === pending.length; // only the start of the stream may hold a BOM
      const prefix = new TextDecoder(encoding, { ignoreBOM: !atStart }).decode(bytes.subarray(0, valid), { stream: true });
      if (prefix) yield prefix;
      const validEnd = consumed - pending.length + valid;
      const badStart = valid - pendingBytes(bytes.subarray(Math.max(0, valid - 4), valid), validEnd, encoding);
      const offset = consumed - pending.length + badStart;
      throw invalidBytes(encoding, options, `invalid byte sequence ${hex(bytes.subarray(badStart, valid + 1))} at byte offset ${offset}`);
    }
    consumed += chunk.length;
    tail = concat(tail, chunk.subarray(Math.max(0, chunk.length - 4))).subarray(-4);
    if (text) yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw invalidBytes(encoding, options, 'the file ends in the middle of a character');
  }
  if (rest) yield rest;
}

function invalidBytes(encoding: TextEncoding, options: DecodeOptions, reason: string): KeyloadError {
  return encodingError(encoding, `Not valid ${ENCODING_NAMES[encoding]} text: ${reason}.`, options.file, options.currentLine?.());
}

/** Text that cannot be read in `encoding`: the file, the line, and how to say what the encoding is. */
export function encodingError(encoding: TextEncoding, message: string, file: string, line: number | undefined): KeyloadError {
  const hint =
    encoding === 'utf-8'
      ? 'Fix the bytes, or if the file is Windows-1252 (Latin-1) load it with --encoding windows-1252 (in the app: Change format).'
      : 'Check the file encoding, or set it with --encoding.';
  return new KeyloadError(ErrorCodes.encoding, message, { file, line, hint });
}

/**
 * How many bytes at the end of successfully decoded input belong to a character not yet complete.
 * `tail` holds the input's last bytes; `end` is the input's length (UTF-16 units align to it).
 */
function pendingBytes(tail: Uint8Array, end: number, encoding: TextEncoding): number {
  const n = tail.length;
  if (encoding === 'utf-8') {
    for (let k = 1; k <= Math.min(3, n); k++) {
      const b = tail[n - k] ?? 0;
      if ((b & 0xc0) === 0x80) continue; // continuation byte
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return length > k ? k : 0;
    }
    return 0;
  }
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    // An odd byte, after possibly a high surrogate waiting for its low half.
    const odd = end % 2;
    const hi = encoding === 'utf-16le' ? tail[n - odd - 1] : tail[n - odd - 2];
    return n - odd >= 2 && hi !== undefined && hi >= 0xd8 && hi <= 0xdb ? odd + 2 : odd;
  }
  return 0;
}

/** Length of the longest prefix of `bytes` that decodes without error (partial final character allowed). */
function validPrefixLength(bytes: Uint8Array, encoding: TextEncoding): number {
  const decodes = (length: number): boolean => {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  // Binary search: every prefix before the bad bytes decodes, none after.
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (decodes(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
}
