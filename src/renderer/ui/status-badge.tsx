// A run's or a file's status as a chip: colour, an icon and the status in words, so it reads without
// colour too. Unknown statuses show neutral.
const tones: Record<string, { chip: string; icon: string }> = {
  loaded: { chip: 'chip-success', icon: '✓' },
  done: { chip: 'chip-success', icon: '✓' },
  planned: { chip: 'chip-info', icon: '○' },
  running: { chip: 'chip-info', icon: '…' },
  'loaded with rejects': { chip: 'chip-warning', icon: '⚠' },
  'partly-loaded': { chip: 'chip-warning', icon: '⚠' },
  cancelled: { chip: 'chip-warning', icon: '■' },
  failed: { chip: 'chip-danger', icon: '✕' },
  skipped: { chip: 'chip-neutral', icon: '–' },
};

export function StatusBadge({ status }: { status: string }) {
  const tone = tones[status] ?? { chip: 'chip-neutral', icon: '' };
  return (
    <span className={`chip ${tone.chip} status ${statusClass(status)}`}>
      {tone.icon && <span aria-hidden="true">{tone.icon}</span>}
      <span>{status}</span>
    </span>
  );
}

export function statusClass(status: string): string {
  return `status-${status.replaceAll(' ', '-')}`;
}
