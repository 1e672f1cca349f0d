// Input files at the byte level: what a file holds, judged from its content rather than its name,
// and the (gunzipped if needed) byte stream the text layer reads.
import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { noteProgress } from './read-progress.ts';
import { READER_LIMITS, type FileType, type ReaderLimits } from './source.ts';

export interface FileDetection {
  type: FileType;
  gzip: boolean;
}

const HEAD_BYTES = 8;
const FILE_CHUNK_BYTES = 256 * 1024;
const GUNZIP_CHUNK_BYTES = 64 * 1024;
/** The ratio cap applies from this much output on: a small file's ratio says nothing. */
const RATIO_CHECK_BYTES = 16 * 1024 * 1024;

// Compressed formats we cannot read; loading them as text would only produce garbage rows.
const UNSUPPORTED_MAGIC: { name: string; bytes: number[] }[] = [
  { name: 'a zip archive (or an Excel workbook)', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'xz-compressed', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'zstd-compressed', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
];

/**
 * Detects Parquet by its PAR1 magic and gzip by 1f 8b; anything else is text. `override` (--file-type)
 * replaces the content-based type, but gzip is always detected: it is how the bytes must be read.
 */
export async function detectFileType(path: string, override?: FileType): Promise<FileDetection> {
  await checkInputFile(path);
  const head = await readHead(path);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    // Parquet needs random access to its footer, which a gzip stream cannot give in bounded memory.
    const unsupported = 'Parquet inside gzip is not supported: it cannot be read without decompressing it all.';
    const hint = 'Decompress the file first (gunzip); Parquet compresses its data itself.';
    if (override === 'parquet') throw new KeyloadError(ErrorCodes.fileUnsupported, unsupported, { file: path, hint });
    const inner = await readGunzippedHead(path);
    if (inner.length === 0) throw new KeyloadError(ErrorCodes.fileCorrupt, 'The file is empty after gzip decompression.', { file: path });
    if (override !== 'csv' && isParquet(inner)) throw new KeyloadError(ErrorCodes.fileUnsupported, unsupported, { file: path, hint });
    return { type: 'csv', gzip: true };
  }
  const compressed = UNSUPPORTED_MAGIC.find((magic) => magic.bytes.every((byte, i) => head[i] === byte));
  if (compressed) {
    throw new KeyloadError(ErrorCodes.fileUnsupported, `The file is ${compressed.name}, which is not supported.`, {
      file: path,
      hint: 'Decompress it (or export it as CSV) first; plain or gzip-compressed CSV and Parquet files are supported.',
    });
  }
  return { type: override ?? (isParquet(head) ? 'parquet' : 'csv'), gzip: false };
}

/** Checks that `path` is an existing, non-empty regular file and returns its size in bytes. */
export async function checkInputFile(path: string): Promise<number> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new KeyloadError(ErrorCodes.fileNotFound, 'This is a directory, not a file.', { file: path });
    if (!info.isFile()) throw new KeyloadError(ErrorCodes.fileNotFound, 'This is not a regular file.', { file: path });
    size = info.size;
  } catch (error) {
    throw readError(path, error);
  }
  if (size === 0) throw new KeyloadError(ErrorCodes.fileCorrupt, 'The file is empty.', { file: path });
  return size;
}

export interface FileBytes {
  /** The file's bytes, gunzipped when needed; failures are KeyloadErrors. */
  chunks: AsyncIterable<Uint8Array>;
  /** Bytes read from the file itself (compressed bytes for gzip). */
  bytesRead(): number;
  /** Stops reading and releases the file. Safe to call twice. */
  close(): void;
}

export type GzipLimits = Pick<ReaderLimits, 'maxDecompressedBytes' | 'maxDecompressionRatio'>;

/**
 * Streams a file's bytes. The file is opened when iteration starts, so no stream exists (and no
 * error can go unheard) before someone reads; pull-based, nothing more is read while nobody does.
 * Gzip output beyond `limits` (size, or ratio to the compressed bytes read) fails the file.
 */
export function openFileBytes(path: string, gzip: boolean, limits: GzipLimits = READER_LIMITS): FileBytes {
  let file: ReadStream | undefined;
  let stream: Readable | undefined;
  let closed = false;
  const close = (): void => {
    closed = true;
    stream?.destroy();
    file?.destroy();
  };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (closed) return;
    const input = createReadStream(path, { highWaterMark: FILE_CHUNK_BYTES });
    file = input;
    stream = input;
    if (gzip) {
      // Errors of either stream surface through iterating the gunzip stream.
      stream = pipeline(input, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), () => {});
    }
    let output = 0;
    try {
      for await (const chunk of stream) {
        noteProgress();
        if (gzip) {
          output += (chunk as Uint8Array).length;
          checkExpansion(path, output, input.bytesRead, limits);
        }
        yield chunk as Uint8Array;
      }
    } catch (error) {
      throw readError(path, error);
    } finally {
      close();
    }
  }
  return { chunks: chunks(), bytesRead: () => file?.bytesRead ?? 0, close };
}

function checkExpansion(path: string, output: number, input: number, limits: GzipLimits): void {
  if (output > limits.maxDecompressedBytes) {
    throw new KeyloadError(ErrorCodes.decompressionLimit, `The gzip data expands to more than ${formatBytes(limits.maxDecompressedBytes)}, the cap on decompressed size.`, {
      file: path,
      hint: 'If the file is genuine, raise the cap with --max-decompressed.',
    });
  }
  if (output > RATIO_CHECK_BYTES && output > input * limits.maxDecompressionRatio) {
    throw new KeyloadError(
      ErrorCodes.decompressionLimit,
      `The gzip data expands more than ${limits.maxDecompressionRatio}:1 (${formatBytes(output)} from ${formatBytes(input)}), which no real CSV file does: it looks like a decompression bomb.`,
      { file: path, hint: 'If the file is genuine, decompress it first and load the plain file.' },
    );
  }
}

/** A KeyloadError for a failure to read `path`: missing, unreadable, or corrupt gzip data. */
export function readError(path: string, error: unknown): KeyloadError {
  if (error instanceof KeyloadError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new KeyloadError(ErrorCodes.fileCorrupt, `The gzip data is corrupt: ${reason}.`, { file: path, cause: error });
  }
  const messages: Record<string, string> = {
    ENOENT: 'File not found.',
    EACCES: 'Permission denied: the file cannot be read.',
    EPERM: 'Permission denied: the file cannot be read.',
    EISDIR: 'This is a directory, not a file.',
  };
  const message = (typeof code === 'string' && messages[code]) || `The file cannot be read: ${reason}.`;
  return new KeyloadError(ErrorCodes.fileNotFound, message, { file: path, cause: error });
}

async function readHead(path: string): Promise<Uint8Array> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = new Uint8Array(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw readError(path, error);
  }
}

async function readGunzippedHead(path: string): Promise<Uint8Array> {
  const bytes = openFileBytes(path, true);
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of bytes.chunks) {
      parts.push(chunk);
      length += chunk.length;
      if (length >= HEAD_BYTES) break;
    }
  } finally {
    bytes.close();
  }
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

function isParquet(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31; // "PAR1"
}
