// Everything a screen needs from above: queries, the transport, the draft and live runs. Tests
// wrap screens in the same providers with a fake transport.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { TransportProvider } from '../api/transport-context.tsx';
import type { Transport } from '../api/transport.ts';
import { DraftProvider } from '../draft/draft-context.tsx';
import type { Draft } from '../draft/draft-state.ts';
import { RunStoreProvider } from '../features/run/run-store-context.tsx';

function createQueryClient(): QueryClient {
  // A local main side: a failure is an answer (a wrong password, a missing table), not a glitch to retry.
  return new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 } } });
}

interface AppProvidersProps {
  transport: Transport;
  initialDraft?: Draft;
  children: ReactNode;
}

export function AppProviders({ transport, initialDraft, children }: AppProvidersProps) {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TransportProvider transport={transport}>
        <DraftProvider initial={initialDraft}>
          <RunStoreProvider>{children}</RunStoreProvider>
        </DraftProvider>
      </TransportProvider>
    </QueryClientProvider>
  );
}
