// Reads one file again with the format the user chose, so its row shows the columns the run will load.
import { useMutation } from '@tanstack/react-query';
import type { FileInspection } from '../../../shared/ipc/contract.ts';
import type { FileOverrides } from '../../../shared/load-options.ts';
import { useApi } from '../../api/transport-context.tsx';
import { useDraftDispatch } from '../../draft/draft-context.tsx';
import { fileKeys } from './keys.ts';

export function useReinspectFile(path: string) {
  const api = useApi();
  const dispatch = useDraftDispatch();
  return useMutation({
    mutationKey: fileKeys.reinspect(path),
    mutationFn: async (overrides: FileOverrides): Promise<FileInspection> => {
      const [file] = await api['files.inspect']({ paths: [path], overrides: { [path]: overrides } });
      if (!file) throw new Error(`${path} was not inspected`);
      return file;
    },
    // Here rather than in mutate(): it still lands when the row has scrolled out of the virtual list.
    onSuccess: (file, overrides) => dispatch({ type: 'file-inspected', file, overrides }),
  });
}
