// A file's first rows as the load would read them, re-read whenever its format overrides change.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { FileOverrides } from '../../../shared/load-options.ts';
import { useApi } from '../../api/transport-context.tsx';
import { fileKeys } from './keys.ts';

export function useFilePreview(path: string, overrides: FileOverrides) {
  const api = useApi();
  return useQuery({
    queryKey: fileKeys.preview(path, overrides),
    queryFn: () => api['files.preview']({ path, overrides }),
    // The previous grid stays while the new format is read, instead of collapsing to a spinner.
    placeholderData: keepPreviousData,
    // A file on disk may change; the preview is cheap to read again when the user comes back.
    staleTime: 30_000,
  });
}
