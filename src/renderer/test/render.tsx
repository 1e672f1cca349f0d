// Renders a screen inside the app's providers, with a fake API and, optionally, a prepared draft.
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import type { KeyloadApi } from '../../shared/ipc/contract.ts';
import type { Transport } from '../api/transport.ts';
import { AppProviders } from '../app/providers.tsx';
import { initialDraft, type Draft } from '../draft/draft-state.ts';

interface RenderOptions {
  api: KeyloadApi;
  draft?: Partial<Draft>;
  /** Default: as the web host would, each file becomes /uploads/<name>. */
  addDroppedFiles?: (files: File[]) => Promise<string[]>;
  /** The web host's download links (absent: the desktop app's save dialogs). */
  downloads?: Pick<Transport, 'rejectsDownloadUrl' | 'previewConflictsUrl' | 'reportDownloadUrl'>;
}

export function renderScreen(screen: ReactElement, { api, draft, addDroppedFiles, downloads }: RenderOptions) {
  const transport: Transport = { api, addDroppedFiles: addDroppedFiles ?? (async (files: File[]) => files.map((file) => `/uploads/${file.name}`)), ...downloads };
  const user = userEvent.setup();
  const view = render(
    <AppProviders transport={transport} initialDraft={{ ...initialDraft, ...draft }}>
      {screen}
    </AppProviders>,
  );
  return { user, ...view };
}
