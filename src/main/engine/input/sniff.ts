// Guesses the CSV dialect from the decoded start of a file: the delimiter and quote that give every
// record the same number of fields, whether the first record is a header, and the line ending.
import { SNIFFED_DELIMITERS, SNIFFED_QUOTES } from '../../../shared/dialect-choices.ts';
import { CsvParser } from './csv-parser.ts';
import { TypeInference, valueType, widenType } from './infer-types.ts';
import type { CsvDialect, SourceRow } from './source.ts';

export type SniffedDialect = Pick<CsvDialect, 'delimiter' | 'quote' | 'hasHeader' | 'lineEnding'>;

/** Characters of decoded text the sniffer needs. */
export const SNIFF_SAMPLE_CHARS = 64 * 1024;

const HEADER_SAMPLE_RECORDS = 1000;

interface Candidate {
  delimiter: CsvDialect['delimiter'];
  quote: CsvDialect['quote'];
  records: SourceRow[];
  /** The most common field count. */
  fieldCount: number;
  /** Share of records with that field count. */
  consistency: number;
  quotedFields: number;
}

/**
 * Sniffs the dialect of `sample`, the start of a file. `complete` says the sample is the whole file;
 * otherwise its last record may be cut off and is ignored. Overrides win over what is sniffed.
 */
export function sniffDialect(sample: string, complete: boolean, overrides: Partial<CsvDialect> = {}): SniffedDialect {
  // Tried in order of preference (the vocabulary's order).
  const delimiters = overrides.delimiter ? [overrides.delimiter] : SNIFFED_DELIMITERS;
  const quotes = overrides.quote ? [overrides.quote] : SNIFFED_QUOTES;
  // A delimiter the sample lacks gives one field per record, and a quote after the preferred one can
  // only win by opening a field (mid-field it is literal), so choices that cannot win are not parsed
  // for: parsing the sample once per choice was most of a small file's opening.
  const opensField = (quote: string, delimiter: string) => sample.startsWith(quote) || [delimiter, '\n', '\r'].some((before) => sample.includes(before + quote));
  let best: Candidate | undefined;
  for (const delimiter of delimiters.filter((d) => sample.includes(d))) {
    const parsed = quotes.filter((quote, i) => i === 0 || opensField(quote, delimiter)).map((quote) => parseSample(sample, complete, delimiter, quote, overrides.escape));
    const candidate = overrides.quote ? parsed[0] : chooseQuote(parsed.find((c) => c?.quote === '"'), parsed.find((c) => c?.quote === "'"));
    if (candidate && candidate.fieldCount > 1 && (!best || better(candidate, best))) best = candidate;
  }
  // No delimiter splits the records: one column, read with the default delimiter and quote.
  best ??= parseSample(sample, complete, delimiters[0] ?? ',', quotes[0] ?? '"', overrides.escape);
  const delimiter = best?.delimiter ?? delimiters[0] ?? ',';
  const quote = best?.quote ?? quotes[0] ?? '"';
  return {
    delimiter,
    quote,
    hasHeader: overrides.hasHeader ?? looksLikeHeader(best?.records ?? []),
    lineEnding: overrides.lineEnding ?? sniffLineEnding(sample, quote),
  };
}

// Parses the sample with one dialect; undefined if it cannot be parsed that way (e.g. unclosed quote).
function parseSample(sample: string, complete: boolean, delimiter: string, quote: string, escape: string | undefined): Candidate | undefined {
  const parser = new CsvParser({ delimiter, quote, ...(escape ? { escape } : {}), file: 'sample' });
  const records: SourceRow[] = [];
  try {
    parser.push(sample, records);
    if (complete) parser.finish(records);
  } catch {
    return undefined;
  }
  const { fieldCount, records: matching } = commonFieldCount(records);
  return {
    delimiter,
    quote,
    records,
    fieldCount,
    consistency: records.length === 0 ? 0 : matching / records.length,
    quotedFields: parser.quotedFields,
  };
}

/** The field count most records have (the larger on a tie), and how many records have it. */
export function commonFieldCount(records: readonly SourceRow[]): { fieldCount: number; records: number } {
  const counts = new Map<number, number>();
  for (const { values } of records) counts.set(values.length, (counts.get(values.length) ?? 0) + 1);
  let fieldCount = 0;
  let frequency = 0;
  for (const [count, times] of counts) {
    if (times > frequency || (times === frequency && count > fieldCount)) [fieldCount, frequency] = [count, times];
  }
  return { fieldCount, records: frequency };
}

// The double quote unless the single quote is evidently used for quoting and fits the data at least
// as well. A sample the double quote cannot parse (an unclosed quote in a whole small file) keeps
// no candidate, so reading the file later reports the real error.
function chooseQuote(double: Candidate | undefined, single: Candidate | undefined): Candidate | undefined {
  const singleUsed = single && single.quotedFields > (double?.quotedFields ?? 0) && single.consistency >= (double?.consistency ?? 0);
  return singleUsed ? single : double;
}

// Consistency first, then more fields. Earlier delimiters in the list win ties (the comparison is strict).
function better(a: Candidate, b: Candidate): boolean {
  if (a.consistency !== b.consistency) return a.consistency > b.consistency;
  return a.fieldCount > b.fieldCount;
}

/**
 * A header is likely when its values do not fit the types of the values below them (a name above
 * numbers or dates). With no typed column to compare against, a first row of distinct text values
 * counts as a header, since most files have one.
 */
export function looksLikeHeader(records: readonly SourceRow[]): boolean {
  const [first, ...rest] = records.slice(0, HEADER_SAMPLE_RECORDS);
  if (!first) return true;
  const names = first.values;
  const inference = new TypeInference(names.length);
  for (const record of rest) inference.add(record.values);
  const columnTypes = inference.types();
  let score = 0;
  names.forEach((name, i) => {
    const columnType = columnTypes[i];
    if (name === null || columnType === undefined || columnType === 'text') return;
    score += widenType(valueType(name), columnType) === columnType ? -1 : 1;
  });
  if (score !== 0) return score > 0;
  const texts = names.filter((name): name is string => name !== null);
  return texts.length > 0 && texts.every((name) => valueType(name) === 'text') && new Set(texts).size === texts.length;
}

// The first line break outside quotes; a quote toggles the quoted state (doubled quotes toggle twice).
function sniffLineEnding(sample: string, quote: string): CsvDialect['lineEnding'] {
  let quoted = false;
  for (let i = 0; i < sample.length; i++) {
    const c = sample[i];
    if (c === quote) quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) return c === '\r' && sample[i + 1] === '\n' ? '\r\n' : '\n';
  }
  return '\n';
}
