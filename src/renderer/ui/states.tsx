// Loading and empty states, so no screen is ever blank while it waits or has nothing to show.
import type { ReactNode } from 'react';

export function Loading({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="loading">
      <span className="spinner" aria-hidden="true" />
      {children}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children && <p>{children}</p>}
    </div>
  );
}
