// The lifecycle of one preview session on the main side: opened (the files are staged, with live
// progress) for the plan as it is, cancelled or closed when the plan changes or the step is left.
// The policy and the files' order are not part of the session: re-ranking reuses it, so only the rest
// of the plan counts.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FileProgress } from '../../../shared/load-types.ts';
import type { PreviewSummary } from '../../../shared/preview-types.ts';
import { useApi } from '../../api/transport-context.tsx';
import type { RunOptions } from '../run/run-options.ts';

export interface PreviewPlan {
  connectionId: string;
  password?: string;
  options: RunOptions;
}

export type PreviewState =
  | { status: 'idle' }
  | { status: 'staging'; previewId: string; progress: FileProgress[] }
  | { status: 'ready'; previewId: string; opened: PreviewSummary; openedOrder: string[] }
  | { status: 'failed'; error: unknown };

/** What decides the staged rows: everything but the policy and the order of the files. */
export function sessionKey(plan: PreviewPlan | null): string | null {
  if (!plan) return null;
  const { conflictPolicy: _policy, files, ...staged } = plan.options;
  return JSON.stringify([plan.connectionId, [...files].sort(), staged]);
}

export function usePreviewSession(plan: PreviewPlan | null, autoStart: boolean): { state: PreviewState; start: () => void; cancel: () => void } {
  const api = useApi();
  const [state, setState] = useState<PreviewState>({ status: 'idle' });
  const current = useRef<string | null>(null);
  const latestPlan = useRef(plan);
  latestPlan.current = plan;
  const key = sessionKey(plan);

  const close = useCallback(() => {
    const previewId = current.current;
    current.current = null;
    if (previewId) void api['preview.close']({ previewId }).catch(() => {});
  }, [api]);

  const start = useCallback(() => {
    const chosen = latestPlan.current;
    if (!chosen) return;
    close();
    const previewId = crypto.randomUUID();
    current.current = previewId;
    setState({ status: 'staging', previewId, progress: [] });
    const settle = (next: PreviewState) => setState((now) => (current.current === previewId ? next : now));
    api['preview.open']({ ...chosen, previewId }).then(
      (opened) => settle({ status: 'ready', previewId, opened, openedOrder: chosen.options.files }),
      (error: unknown) => settle({ status: 'failed', error }),
    );
  }, [api, close]);

  const cancel = useCallback(() => {
    close();
    setState({ status: 'idle' });
  }, [close]);

  useEffect(
    () =>
      api.on('preview.event', ({ previewId, event }) => {
        if (event.type !== 'file-progress') return;
        setState((now) => {
          if (now.status !== 'staging' || now.previewId !== previewId) return now;
          const others = now.progress.filter((file) => file.path !== event.file.path);
          return { ...now, progress: [...others, event.file] };
        });
      }),
    [api],
  );

  // A new plan is a new session: the old one is closed (or its staging cancelled). Only the key
  // counts here, not the plan object, which is rebuilt on every render.
  useEffect(() => {
    setState({ status: 'idle' });
    if (key && autoStart) start();
    return close;
  }, [key]);

  return { state, start, cancel };
}
