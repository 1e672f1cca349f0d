// "Change format": the file type and CSV dialect to use instead of the detected ones. Each change is
// kept in the draft (the run gets it as fileOverrides) and the file is read again with it.
import { useIsMutating } from '@tanstack/react-query';
import { useState } from 'react';
import type { FileInspection } from '../../../shared/ipc/contract.ts';
import type { FileOverrides } from '../../../shared/load-options.ts';
import {
  DATE_FORMAT_CHOICES,
  DELIMITER_CHOICES,
  ENCODING_CHOICES,
  ESCAPE_CHOICES,
  FILE_TYPE_CHOICES,
  HEADER_CHOICES,
  NULL_STRING_CHOICES,
  QUOTE_CHOICES,
  type Choice,
} from '../../../shared/vocabulary.ts';
import { useDraftDispatch } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { fileName } from '../../ui/format.ts';
import { Loading } from '../../ui/states.tsx';
import { fileKeys } from './keys.ts';
import { useReinspectFile } from './use-reinspect-file.ts';

type Field = keyof FileOverrides;
type SelectField = 'fileType' | 'delimiter' | 'quote' | 'escape' | 'encoding' | 'hasHeader' | 'nullString' | 'dateFormat';

interface SelectSpec<V> {
  label: string;
  /** What leaving it unset means. */
  unset: string;
  choices: readonly Choice<V>[];
  /** The accessible name of the text box for a value of the user's own, when one is allowed. */
  custom?: string;
  maxLength?: number;
}

const fields: { [F in SelectField]: SelectSpec<NonNullable<FileOverrides[F]>> } = {
  fileType: {
    label: 'File type',
    unset: 'Detected',
    choices: FILE_TYPE_CHOICES,
  },
  delimiter: {
    label: 'Delimiter',
    unset: 'Detected',
    choices: DELIMITER_CHOICES,
    custom: 'Custom delimiter',
    maxLength: 1,
  },
  quote: {
    label: 'Quote',
    unset: 'Detected',
    choices: QUOTE_CHOICES,
  },
  escape: {
    label: 'Escape',
    unset: 'Doubled quote ( "" )',
    choices: ESCAPE_CHOICES,
  },
  encoding: {
    label: 'Encoding',
    unset: 'Detected',
    choices: ENCODING_CHOICES,
  },
  hasHeader: {
    label: 'Header',
    unset: 'Detected',
    choices: HEADER_CHOICES,
  },
  nullString: {
    label: 'NULL written as',
    unset: 'Empty field',
    choices: NULL_STRING_CHOICES,
    custom: 'Custom NULL text',
  },
  dateFormat: {
    label: 'Dates',
    unset: 'ISO ( 2024-12-31 )',
    choices: DATE_FORMAT_CHOICES,
    custom: 'Custom date format',
  },
};

const dialectFields = ['delimiter', 'quote', 'escape', 'encoding', 'hasHeader', 'nullString', 'dateFormat'] as const satisfies SelectField[];

/** The fields that also take a value typed by the user. */
function isTextField(field: SelectField): field is 'delimiter' | 'nullString' | 'dateFormat' {
  return fields[field].custom !== undefined;
}

const UNSET = '';
const CUSTOM = 'custom';

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
          <OverrideSelect
            key={field}
            field={field}
            overrides={overrides}
            disabled={parquet}
            onChange={change}
            {...(isTextField(field) ? { onCustom: (text: string | undefined) => change(field, text) } : {})}
          />
        ))}
        <label className="field">
          <span>Time zone</span>
          <CommitInput
            label="Time zone for timestamps without one"
            value={overrides.timeZone}
            placeholder="As written"
            disabled={parquet}
            onCommit={(value) => change('timeZone', value)}
          />
        </label>
        <label className="field field-check">
          <input type="checkbox" checked={overrides.decimalComma ?? false} disabled={parquet} onChange={(event) => change('decimalComma', event.target.checked || undefined)} />
          <span>Decimal comma ( 1.234,56 )</span>
        </label>
        <label className="field field-check">
          <input type="checkbox" checked={overrides.trim ?? false} disabled={parquet} onChange={(event) => change('trim', event.target.checked || undefined)} />
          <span>Trim spaces around fields</span>
        </label>
      </div>
      <p className="muted">
        {parquet
          ? 'Parquet files have no delimiter, quote, encoding, header or text formats to choose.'
          : 'Detected: what Keyload found in the file. Dates in another format load as ISO dates; a value that looks like a date but is none is rejected.'}
      </p>
      {reading && <Loading>Reading {name} with the chosen format…</Loading>}
      <ErrorNotice error={reinspect.error} onDismiss={reinspect.reset} title={`Could not read ${name} again`} />
    </fieldset>
  );
}

interface OverrideSelectProps<F extends SelectField> {
  field: F;
  overrides: FileOverrides;
  disabled?: boolean;
  onChange: (field: F, value: FileOverrides[F] | undefined) => void;
  /** For fields that take the user's own text (the spec's `custom`). */
  onCustom?: (text: string | undefined) => void;
}

function OverrideSelect<F extends SelectField>({ field, overrides, disabled = false, onChange, onCustom }: OverrideSelectProps<F>) {
  const { label, unset, choices, custom, maxLength }: SelectSpec<NonNullable<FileOverrides[F]>> = fields[field];
  const value = overrides[field];
  // "Custom…" chosen but nothing typed yet: the text box shows, the override waits for a value.
  const [choosingCustom, setChoosingCustom] = useState(false);
  const preset = choices.find((choice) => choice.value === value);
  const customValue = onCustom !== undefined && typeof value === 'string' && !preset;
  const selected = choosingCustom ? CUSTOM : (preset?.id ?? (customValue ? CUSTOM : UNSET));
  return (
    <div className="field-stack">
      <label className="field">
        <span>{label}</span>
        <select
          value={selected}
          disabled={disabled}
          onChange={(event) => {
            const id = event.target.value;
            setChoosingCustom(id === CUSTOM);
            if (id !== CUSTOM) onChange(field, choices.find((choice) => choice.id === id)?.value);
          }}
        >
          <option value={UNSET}>{unset}</option>
          {choices.map((choice) => (
            <option key={choice.id} value={choice.id}>
              {choice.label}
            </option>
          ))}
          {onCustom && <option value={CUSTOM}>Other…</option>}
        </select>
      </label>
      {onCustom && custom && selected === CUSTOM && (
        <CommitInput
          label={custom}
          value={customValue ? value : undefined}
          disabled={disabled}
          {...(maxLength ? { maxLength } : {})}
          onCommit={(text) => {
            setChoosingCustom(false);
            onCustom(text);
          }}
        />
      )}
    </div>
  );
}

interface CommitInputProps {
  label: string;
  value: string | undefined;
  placeholder?: string;
  disabled?: boolean;
  maxLength?: number;
  /** Called on Enter or when the box loses focus, not per keystroke: each change reads the file again. */
  onCommit: (value: string | undefined) => void;
}

function CommitInput({ label, value, placeholder, disabled = false, maxLength, onCommit }: CommitInputProps) {
  const [text, setText] = useState(value ?? '');
  // A value changed elsewhere (Detected chosen, another file's draft) replaces what was typed.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value ?? '');
  }
  const commit = () => {
    const next = text === '' ? undefined : text;
    if (next !== value) onCommit(next);
  };
  return (
    <input
      type="text"
      aria-label={label}
      value={text}
      placeholder={placeholder}
      disabled={disabled}
      maxLength={maxLength}
      spellCheck={false}
      onChange={(event) => setText(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
      }}
    />
  );
}
