// "Change format": the file type and CSV dialect to use instead of the detected ones. Each change is
// kept in the draft (the run gets it as fileOverrides) and the file is read again with it.
import { useIsMutating } from '@tanstack/react-query';
import type { FileInspection } from '../../../shared/ipc/contract.ts';
import type { FileOverrides } from '../../../shared/load-options.ts';
import { useDraftDispatch } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { fileName } from '../../ui/format.ts';
import { Loading } from '../../ui/states.tsx';
import { fileKeys } from './keys.ts';
import { useReinspectFile } from './use-reinspect-file.ts';

type Field = keyof FileOverrides;

interface Choice<V> {
  /** The option's value: select values are strings, and a tab is invisible in one. */
  id: string;
  label: string;
  value: V;
}

const fields: { [F in Field]: { label: string; choices: Choice<NonNullable<FileOverrides[F]>>[] } } = {
  fileType: {
    label: 'File type',
    choices: [
      { id: 'csv', label: 'CSV', value: 'csv' },
      { id: 'parquet', label: 'Parquet', value: 'parquet' },
    ],
  },
  delimiter: {
    label: 'Delimiter',
    choices: [
      { id: 'comma', label: 'Comma ( , )', value: ',' },
      { id: 'semicolon', label: 'Semicolon ( ; )', value: ';' },
      { id: 'tab', label: 'Tab', value: '\t' },
      { id: 'pipe', label: 'Pipe ( | )', value: '|' },
    ],
  },
  quote: {
    label: 'Quote',
    choices: [
      { id: 'double', label: 'Double quote ( " )', value: '"' },
      { id: 'single', label: "Single quote ( ' )", value: "'" },
    ],
  },
  encoding: {
    label: 'Encoding',
    choices: [
      { id: 'utf-8', label: 'UTF-8', value: 'utf-8' },
      { id: 'utf-16le', label: 'UTF-16 LE', value: 'utf-16le' },
      { id: 'utf-16be', label: 'UTF-16 BE', value: 'utf-16be' },
      { id: 'windows-1252', label: 'Windows-1252', value: 'windows-1252' },
    ],
  },
  hasHeader: {
    label: 'Header',
    choices: [
      { id: 'header', label: 'First row is the header', value: true },
      { id: 'no-header', label: 'No header row', value: false },
    ],
  },
};

const dialectFields = ['delimiter', 'quote', 'encoding', 'hasHeader'] as const satisfies Field[];

const DETECTED = '';

interface FormatOverridesProps {
  id: string;
  file: FileInspection;
  overrides: FileOverrides;
}

export function FormatOverrides({ id, file, overrides }: FormatOverridesProps) {
  const dispatch = useDraftDispatch();
  const reinspect = useReinspectFile(file.path);
  // From the mutation cache, so a row that scrolled away and back still shows the read in flight.
  const reading = useIsMutating({ mutationKey: fileKeys.reinspect(file.path) }) > 0;
  const name = fileName(file.path);
  const parquet = (overrides.fileType ?? file.type) === 'parquet';

  const change = <F extends Field>(field: F, value: FileOverrides[F] | undefined) => {
    let next: FileOverrides = { ...overrides };
    if (value === undefined) delete next[field];
    else next[field] = value;
    // A Parquet file has no dialect: drop the CSV settings rather than send settings that do nothing.
    if (next.fileType === 'parquet') next = { fileType: 'parquet' };
    dispatch({ type: 'file-overridden', path: file.path, overrides: next });
    reinspect.mutate(next);
  };

  return (
    <fieldset id={id} className="format-overrides">
      <legend>Format of {name}</legend>
      <div className="format-fields">
        <OverrideSelect field="fileType" overrides={overrides} onChange={change} />
        {dialectFields.map((field) => (
          <OverrideSelect key={field} field={field} overrides={overrides} disabled={parquet} onChange={change} />
        ))}
      </div>
      <p className="muted">{parquet ? 'Parquet files have no delimiter, quote, encoding or header to choose.' : 'Detected: what Keyload found in the file.'}</p>
      {reading && <Loading>Reading {name} with the chosen format…</Loading>}
      <ErrorNotice error={reinspect.error} onDismiss={reinspect.reset} title={`Could not read ${name} again`} />
    </fieldset>
  );
}

interface OverrideSelectProps<F extends Field> {
  field: F;
  overrides: FileOverrides;
  disabled?: boolean;
  onChange: (field: F, value: FileOverrides[F] | undefined) => void;
}

function OverrideSelect<F extends Field>({ field, overrides, disabled = false, onChange }: OverrideSelectProps<F>) {
  const { label, choices } = fields[field];
  const selected = choices.find((choice) => choice.value === overrides[field])?.id ?? DETECTED;
  return (
    <label className="field">
      <span>{label}</span>
      <select
        value={selected}
        disabled={disabled}
        onChange={(event) => onChange(field, choices.find((choice) => choice.id === event.target.value)?.value)}
      >
        <option value={DETECTED}>Detected</option>
        {choices.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}
