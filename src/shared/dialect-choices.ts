// The CSV dialect choices: delimiter, quote and escape take any single character; these are the
// ones offered (and, for delimiter and quote, sniffed). Kept out of vocabulary.ts, which re-exports
// them, so that the reader worker, which sniffs with them, starts without zod (65 ms of its start).

/** A choice as a select offers it: `id` is the option's value, since a tab is invisible in one. */
export interface Choice<V> {
  readonly id: string;
  readonly label: string;
  readonly value: V;
}

/** In order of preference: the sniffer picks the earlier on a tie. */
export const DELIMITER_CHOICES = [
  { id: 'comma', label: 'Comma ( , )', value: ',' },
  { id: 'semicolon', label: 'Semicolon ( ; )', value: ';' },
  { id: 'tab', label: 'Tab', value: '\t' },
  { id: 'pipe', label: 'Pipe ( | )', value: '|' },
] as const satisfies readonly Choice<string>[];
export const SNIFFED_DELIMITERS: readonly string[] = DELIMITER_CHOICES.map((choice) => choice.value);

/** The double quote first: it is kept unless the single quote evidently fits better. */
export const QUOTE_CHOICES = [
  { id: 'double', label: 'Double quote ( " )', value: '"' },
  { id: 'single', label: "Single quote ( ' )", value: "'" },
] as const satisfies readonly Choice<string>[];
export const SNIFFED_QUOTES: readonly string[] = QUOTE_CHOICES.map((choice) => choice.value);

/** Unset, the quote escapes itself (doubled quotes). */
export const ESCAPE_CHOICES = [{ id: 'backslash', label: 'Backslash ( \\ )', value: '\\' }] as const satisfies readonly Choice<string>[];
