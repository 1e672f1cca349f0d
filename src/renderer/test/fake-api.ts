// A real in-memory KeyloadApi for component tests: each test implements the requests it needs,
// every call is recorded, and events are pushed with emit(). inMemoryFiles and inMemoryProfiles
// implement the stateful requests once, for the tests that need them to behave like the app.
import { ErrorCodes } from '../../shared/errors.ts';
import type { EventMap, EventName, FileInspection, FilePreview, HandlerInput, HandlerName, KeyloadApi } from '../../shared/ipc/contract.ts';
import type { FileOverrides } from '../../shared/load-options.ts';
import type { MappingProfile } from '../../shared/mapping-profile.ts';
import { requestNames } from '../api/request-names.ts';

export type Handlers = Partial<Omit<KeyloadApi, 'on'>>;

export interface FakeApi {
  api: KeyloadApi;
  /** The inputs of every call of one request, in order. */
  calls<N extends HandlerName>(name: N): HandlerInput<N>[];
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
}

export function createFakeApi(given: Handlers): FakeApi {
  // The app asks for the runs going on when it starts: none, unless a test says otherwise.
  const handlers: Handlers = { 'runs.active': async () => [], ...given };
  const log: { name: HandlerName; input: unknown }[] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const requests = Object.fromEntries(
    requestNames.map((name) => [
      name,
      async (input: unknown) => {
        log.push({ name, input });
        const handler = handlers[name] as ((input: unknown) => Promise<unknown>) | undefined;
        if (!handler) throw new Error(`the fake API has no ${name}`);
        return handler(input);
      },
    ]),
  );
  function on(event: EventName, listener: (payload: unknown) => void): () => void {
    const forEvent = listeners.get(event) ?? new Set();
    listeners.set(event, forEvent);
    forEvent.add(listener);
    return () => {
      forEvent.delete(listener);
    };
  }
  return {
    api: { ...requests, on } as KeyloadApi,
    calls: <N extends HandlerName>(name: N) => log.filter((call) => call.name === name).map((call) => call.input as HandlerInput<N>),
    emit: (event, payload) => listeners.get(event)?.forEach((listener) => listener(payload)),
  };
}

const delimiters = [',', ';', '\t', '|'] as const;

/**
 * files.inspect and files.preview over CSV text kept in memory, by path. A small sniff (the
 * delimiter that splits the first line most, the first candidate on a tie) unless overridden;
 * honours the header, file-type and NULL-string overrides; every column is text; no quoting.
 */
export function inMemoryFiles(contents: Record<string, string>): Pick<Required<Handlers>, 'files.inspect' | 'files.preview'> {
  return {
    'files.inspect': async ({ paths, overrides = {} }) => paths.map((path) => inspectText(path, contents[path], overrides[path] ?? {})),
    'files.preview': async ({ path, overrides = {} }) => previewText(path, contents[path], overrides),
  };
}

function previewText(path: string, text: string | undefined, overrides: FileOverrides): FilePreview {
  const inspected = inspectText(path, text, overrides);
  const empty = { path, format: inspected.format, columns: inspected.columns, rows: [], lines: [], invalidCells: [] };
  if (inspected.error || text === undefined) return { ...empty, error: inspected.error };
  const delimiter = overrides.delimiter ?? sniffDelimiter(text);
  const lines = text.split(/\r?\n/).map((line, index) => ({ line, number: index + 1 })).filter(({ line }) => line !== '');
  const data = (overrides.hasHeader ?? true) ? lines.slice(1) : lines;
  const cell = (value: string | undefined) => (value === undefined || value === '' || value === overrides.nullString ? null : value);
  return {
    ...empty,
    rows: data.slice(0, 100).map(({ line }) => inspected.columns.map((_, i) => cell(line.split(delimiter)[i]))),
    lines: data.slice(0, 100).map(({ number }) => number),
    error: null,
  };
}

function sniffDelimiter(text: string): string {
  const first = text.split(/\r?\n/)[0] ?? '';
  const splits = (delimiter: string) => first.split(delimiter).length;
  return delimiters.reduce((best, candidate) => (splits(candidate) > splits(best) ? candidate : best));
}

function inspectText(path: string, text: string | undefined, overrides: FileOverrides): FileInspection {
  const unreadable = { path, sizeBytes: 0, rowEstimate: null, format: 'unreadable', type: null, columns: [] };
  if (text === undefined) return { ...unreadable, error: { code: ErrorCodes.fileNotFound, message: `no such file: ${path}` } };
  const sizeBytes = new TextEncoder().encode(text).length;
  if (overrides.fileType === 'parquet') return { ...unreadable, sizeBytes, error: { code: ErrorCodes.fileCorrupt, message: `${path} is not a Parquet file` } };

  const lines = text.split(/\r?\n/).filter((line) => line !== '');
  const first = lines[0] ?? '';
  const delimiter = overrides.delimiter ?? sniffDelimiter(text);
  const hasHeader = overrides.hasHeader ?? true;
  const encoding = overrides.encoding ?? 'utf-8';
  return {
    path,
    sizeBytes,
    rowEstimate: Math.max(0, lines.length - (hasHeader ? 1 : 0)),
    format: `csv, ${JSON.stringify(delimiter)} separated, ${encoding}, ${hasHeader ? 'header' : 'no header'}`,
    type: 'csv',
    columns: first.split(delimiter).map((cell, index) => ({ name: hasHeader ? cell : `column_${index + 1}`, pgType: 'text' })),
    error: null,
  };
}

/** profiles.list and profiles.save as the app's store does them: by name, case-insensitively sorted; saving a name again replaces it. */
export function inMemoryProfiles(initial: { name: string; profile: MappingProfile }[] = []): Pick<Required<Handlers>, 'profiles.list' | 'profiles.save'> {
  const saved = new Map(initial.map(({ name, profile }) => [name, profile]));
  return {
    'profiles.list': async () =>
      [...saved]
        .map(([name, profile]) => ({ name, profile: structuredClone(profile) }))
        .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || (a.name < b.name ? -1 : 1)),
    'profiles.save': async ({ name, profile }) => {
      saved.set(name, structuredClone(profile));
    },
  };
}
