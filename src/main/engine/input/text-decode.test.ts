import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { decodeText, detectEncoding, type TextEncoding } from './text-decode.ts';

const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();
const BOM = { utf8: [0xef, 0xbb, 0xbf], le: [0xff, 0xfe], be: [0xfe, 0xff] };

async function* fromChunks(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

async function decodeAll(chunks: Uint8Array[], encoding: TextEncoding, currentLine?: () => number): Promise<string> {
  let text = '';
  for await (const part of decodeText(fromChunks(chunks), encoding, { file: 'in.csv', currentLine })) text += part;
  return text;
}

function splitAt(bytes: Uint8Array, ...cuts: number[]): Uint8Array[] {
  const ends = [...cuts, bytes.length];
  return [0, ...cuts].map((start, i) => bytes.subarray(start, ends[i]));
}

describe('detectEncoding', () => {
  it('recognises byte order marks', () => {
    expect(detectEncoding(Buffer.from([...BOM.utf8, 0x61]), true)).toEqual({ encoding: 'utf-8', bom: true });
    expect(detectEncoding(Buffer.from([...BOM.le, 0x61, 0]), true)).toEqual({ encoding: 'utf-16le', bom: true });
    expect(detectEncoding(Buffer.from([...BOM.be, 0, 0x61]), true)).toEqual({ encoding: 'utf-16be', bom: true });
  });

  it('tells UTF-8 from Windows-1252 by validity', () => {
    expect(detectEncoding(Buffer.from('plain ascii,1\n'), true)).toEqual({ encoding: 'utf-8', bom: false });
    expect(detectEncoding(Buffer.from('café,€,😀\n'), true)).toEqual({ encoding: 'utf-8', bom: false });
    expect(detectEncoding(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x80, 0x0a]), true)).toEqual({ encoding: 'windows-1252', bom: false });
  });

  it('never guesses Windows-1252 for UTF-8 text with a stray byte: it reports where the byte is', () => {
    // The file: real UTF-8 characters, then one byte that is not UTF-8.
    const mixed = Buffer.concat([Buffer.from('name\ncafé\nnaïve\n'), Buffer.from([0x4a, 0xe9, 0x0a])]);
    expect(detectEncoding(mixed, true)).toEqual({ encoding: 'utf-8', bom: false, strayByte: mixed.indexOf(0xe9, 18) });
    // Windows-1252 text in which two letters happen to form a UTF-8 character ("É”" is C9 94) stays Windows-1252.
    const latin = Buffer.from([0x43, 0x41, 0x46, 0xc9, 0x94, 0x2c, 0xe9, 0x74, 0xe9, 0x0a]);
    expect(detectEncoding(latin, true)).toEqual({ encoding: 'windows-1252', bom: false });
  });

  it('counts a sample cut inside a multi-byte character as UTF-8, unless the sample is the whole file', () => {
    for (const char of ['é', '€', '😀']) {
      const bytes = Buffer.from(`name,${char}`);
      const cut = bytes.subarray(0, bytes.length - 1);
      expect(detectEncoding(cut, false).encoding).toBe('utf-8');
      expect(detectEncoding(cut, true).encoding).toBe('windows-1252');
    }
  });

  it('recognises mostly-ASCII UTF-16 without a BOM by its zero bytes', () => {
    expect(detectEncoding(Buffer.from('id,name\n1,x\n', 'utf16le'), true)).toEqual({ encoding: 'utf-16le', bom: false });
    expect(detectEncoding(utf16be('id,name\n1,x\n'), true)).toEqual({ encoding: 'utf-16be', bom: false });
  });
});

describe('decodeText', () => {
  it('keeps 2-, 3- and 4-byte UTF-8 characters split across chunks', async () => {
    for (const char of ['é', '€', '😀']) {
      const bytes = Buffer.from(`a${char}b`);
      for (let cut = 1; cut < bytes.length; cut++) {
        expect(await decodeAll(splitAt(bytes, cut), 'utf-8')).toBe(`a${char}b`);
      }
      expect(await decodeAll([...bytes].map((b) => Uint8Array.of(b)), 'utf-8')).toBe(`a${char}b`);
    }
  });

  it('keeps UTF-16 code units and surrogate pairs split across chunks, both byte orders', async () => {
    const text = 'a€😀z';
    for (const [encoding, bytes] of [
      ['utf-16le', Buffer.from([...BOM.le, ...Buffer.from(text, 'utf16le')])],
      ['utf-16be', Buffer.from([...BOM.be, ...utf16be(text)])],
    ] as const) {
      for (let cut = 1; cut < bytes.length; cut++) {
        expect(await decodeAll(splitAt(bytes, cut), encoding)).toBe(text);
      }
    }
  });

  it('decodes Windows-1252 bytes', async () => {
    expect(await decodeAll([Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x35])], 'windows-1252')).toBe('café €5');
  });

  it('strips the BOM, even when it is split across chunks, and only at the start', async () => {
    const bytes = Buffer.from([...BOM.utf8, ...Buffer.from('x\uFEFFy')]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(await decodeAll(splitAt(bytes, cut), 'utf-8')).toBe('x\uFEFFy');
    }
  });

  it('decodes any text split anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), fc.array(fc.nat(), { maxLength: 5 }), fc.constantFrom<TextEncoding>('utf-8', 'utf-16le', 'utf-16be'), async (text, rawCuts, encoding) => {
        const bytes = encoding === 'utf-8' ? Buffer.from(text) : encoding === 'utf-16le' ? Buffer.from(text, 'utf16le') : utf16be(text);
        const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        // A leading U+FEFF would be taken for a BOM and stripped, as it should.
        expect(await decodeAll(splitAt(bytes, ...cuts), encoding)).toBe(text.replace(/^\uFEFF/, ''));
      }),
      { numRuns: 300 },
    );
  });

  it('fails on invalid bytes, after yielding the valid text before them, with the line reached', async () => {
    const valid = Buffer.from('a,b\nc,é\n'.repeat(3));
    const bytes = Buffer.concat([valid, Buffer.from([0x78, 0xe9, 0x20, 0x79, 0x0a])]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      let text = '';
      let caught: unknown;
      try {
        for await (const part of decodeText(fromChunks(splitAt(bytes, cut)), 'utf-8', { file: 'in.csv', currentLine: () => text.split('\n').length })) {
          text += part;
        }
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(KeyloadError);
      const error = caught as KeyloadError;
      expect(text).toBe(`${valid.toString()}x`);
      expect(error.code).toBe(ErrorCodes.encoding);
      expect(error.location).toMatchObject({ file: 'in.csv', line: 7 });
      expect(error.message).toMatch(/^Not valid UTF-8 text: invalid byte sequence 0xE9 0x20 at byte offset \d+\.$/);
    }
  });

  it('fails on an unpaired UTF-16 surrogate and on a file ending inside a character', async () => {
    const lone = Buffer.from([0x61, 0x00, 0x00, 0xd8, 0x62, 0x00, 0x63, 0x00]);
    for (let cut = 0; cut <= lone.length; cut++) {
      await expect(decodeAll(splitAt(lone, cut), 'utf-16le')).rejects.toThrow(/^Not valid UTF-16LE text: invalid byte sequence 0x00 0xD8 0x62 0x00 at byte offset \d+\.$/);
    }
    await expect(decodeAll([Buffer.from([0x61, 0xe2, 0x82])], 'utf-8')).rejects.toThrow(/ends in the middle of a character/);
    await expect(decodeAll([Buffer.from([0x00, 0x61, 0x00])], 'utf-16be')).rejects.toThrow(KeyloadError);
  });
});
