// Durations as a person types them: "500ms", "5s", "2min", "1h", "7d", or a bare number of seconds.

const unitMs: Record<string, number> = { ms: 1, s: 1_000, sec: 1_000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds (rounded), or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d)?\s*$/i.exec(text);
  if (!match?.[1]) return null;
  return Math.round(Number(match[1]) * (unitMs[(match[2] ?? 's').toLowerCase()] ?? 1_000));
}
