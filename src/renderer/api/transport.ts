// Chooses how the renderer talks to the main side: the preload's window.keyload inside Electron,
// else the localhost web host that served this page.
import { ErrorCodes } from '../../shared/errors.ts';
import type { KeyloadApi } from '../../shared/ipc/contract.ts';
import type { ReportFormat } from '../../shared/report-types.ts';
import { ApiError, toErrorInfo } from './api-error.ts';
import { createWebClient, type WebClient } from './web-client.ts';
import { takeToken } from './web-token.ts';

export interface Transport {
  api: KeyloadApi;
  /** Paths the main side can read for dropped or picked files, in the same order. */
  addDroppedFiles(files: File[]): Promise<string[]>;
  /** In a browser: where to download a run's rejects file. Absent in the desktop app, which reveals and saves instead. */
  rejectsDownloadUrl?: (runId: string, path: string) => string;
  /** In a browser: where to download an open preview's conflicts as CSV. Absent in the desktop app, which saves instead. */
  previewConflictsUrl?: (previewId: string) => string;
  /** In a browser: where to download a finished run's report. Absent in the desktop app, which saves instead. */
  reportDownloadUrl?: (runId: string, format: ReportFormat) => string;
}

const PARALLEL_UPLOADS = 4;

export function createTransport(win: Window): Transport {
  const { keyload } = win;
  if (keyload) {
    return { api: keyload, addDroppedFiles: async (files) => files.map((file) => electronPath(win, file)) };
  }
  const token = takeToken(win) ?? '';
  const web = createWebClient({ token });
  return {
    api: web.api,
    addDroppedFiles: (files) => uploadAll(web, files),
    // A plain link, so the browser downloads it; the token rides in the query as for the event stream.
    rejectsDownloadUrl: (runId, path) => `/api/download/rejects?${new URLSearchParams({ runId, path, token })}`,
    previewConflictsUrl: (previewId) => `/api/download/preview-conflicts?${new URLSearchParams({ previewId, token })}`,
    reportDownloadUrl: (runId, format) => `/api/download/report?${new URLSearchParams({ runId, format, token })}`,
  };
}

function electronPath(win: Window, file: File): string {
  const path = win.keyload?.pathForFile(file);
  if (!path) throw new ApiError({ code: ErrorCodes.fileNotFound, message: `${file.name} is not a file on this computer` });
  return path;
}

function uploadError(file: File, error: unknown): ApiError {
  const { code, message } = toErrorInfo(error);
  return new ApiError({ code, message: `Could not upload ${file.name}: ${message}`, hint: 'A browser cannot upload folders; drop the files inside them instead.' });
}

async function uploadAll(web: WebClient, files: File[]): Promise<string[]> {
  const paths = new Array<string>(files.length);
  // Workers share one iterator, so each file is uploaded once and only a few at a time.
  const queue = files.entries();
  const worker = async () => {
    for (const [index, file] of queue) {
      try {
        paths[index] = await web.upload(file);
      } catch (error) {
        throw uploadError(file, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, files.length) }, worker));
  return paths;
}
