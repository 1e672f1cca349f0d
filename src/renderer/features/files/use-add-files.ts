// Adding files: turn the Files into paths the main side can read (Electron paths, or uploads on the
// web host), then inspect them. The main side expands directories into the files they hold.
import { useMutation } from '@tanstack/react-query';
import { useTransport } from '../../api/transport-context.tsx';
import { useDraftDispatch } from '../../draft/draft-context.tsx';

export function useAddFiles() {
  const { api, addDroppedFiles } = useTransport();
  const dispatch = useDraftDispatch();
  return useMutation({
    mutationFn: async (files: File[]) => api['files.inspect']({ paths: await addDroppedFiles(files) }),
    onSuccess: (inspections) => dispatch({ type: 'files-added', files: inspections }),
  });
}
