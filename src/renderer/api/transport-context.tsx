// Hands the transport down the tree, so screens and tests use whichever API they were given.
import { createContext, useContext, type ReactNode } from 'react';
import type { KeyloadApi } from '../../shared/ipc/contract.ts';
import type { Transport } from './transport.ts';

const TransportContext = createContext<Transport | null>(null);

export function TransportProvider({ transport, children }: { transport: Transport; children: ReactNode }) {
  return <TransportContext value={transport}>{children}</TransportContext>;
}

export function useTransport(): Transport {
  const transport = useContext(TransportContext);
  if (!transport) throw new Error('useTransport needs a TransportProvider');
  return transport;
}

export function useApi(): KeyloadApi {
  return useTransport().api;
}
