// A run's or a file's status as a coloured badge ("loaded with rejects" -> .status-loaded-with-rejects).
export function StatusBadge({ status }: { status: string }) {
  return <span className={`status ${statusClass(status)}`}>{status}</span>;
}

export function statusClass(status: string): string {
  return `status-${status.replaceAll(' ', '-')}`;
}
