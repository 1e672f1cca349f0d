// The connection every request of the draft goes through: the user's choice, else the built-in
// local database, with the session password when the connection stores none.
import type { UseQueryResult } from '@tanstack/react-query';
import type { ConnectionInfo } from '../../../shared/ipc/contract.ts';
import { useDraft } from '../../draft/draft-context.tsx';
import { useConnections } from '../connections/queries.ts';
import { targetKeys, type ConnectionScope } from './keys.ts';

export { useConnections };

interface ConnectionRef {
  connectionId: string;
  password?: string;
}

export interface ChosenConnection {
  connection: ConnectionInfo;
  needsPassword: boolean;
  /** Input for requests; null until a needed password has been typed. */
  ref: ConnectionRef | null;
  scope: ConnectionScope;
}

export function needsPassword(connection: ConnectionInfo): boolean {
  return !connection.builtin && !connection.hasPassword;
}

export function useChosenConnection(): { connections: UseQueryResult<ConnectionInfo[]>; chosen: ChosenConnection | null } {
  const connections = useConnections();
  const { target, passwords, passwordVersion } = useDraft();
  const list = connections.data ?? [];
  const connection = list.find((c) => c.id === target.connectionId) ?? list.find((c) => c.builtin) ?? list[0];
  if (!connection) return { connections, chosen: null };
  const password = passwords[connection.id];
  const asksPassword = needsPassword(connection);
  const ref = !asksPassword ? { connectionId: connection.id } : password ? { connectionId: connection.id, password } : null;
  return { connections, chosen: { connection, needsPassword: asksPassword, ref, scope: targetKeys.scope(connection.id, passwordVersion) } };
}
