// Adding files: turn the Files into paths the main side can read (Electron paths, or uploads on the
// web host), then inspect them. The main side expands directories into the files they hold.
import { useMutation } from '@tanstack/react-query';
import { useTransport } from '../../api/transport-context.tsx';
import { useDraft, useDraftDispatch } from '../../draft/draft-context.tsx';

export function useAddFiles() {
  const { api, addDroppedFiles } = useTransport();
  const { overrides } = useDraft();
  const dispatch = useDraftDispatch();
  return useMutation({
    // A file added again is read with the format the user chose for it, as the run will read it.
    mutationFn: async (files: File[]) =>
      api['files.inspect']({ paths: await addDroppedFiles(files), ...(Object.keys(overrides).length > 0 ? { overrides } : {}) }),
    onSuccess: (inspections) => dispatch({ type: 'files-added', files: inspections }),
  });
}
