// Small builders for test data in the contract's shapes.
import type { ConnectionInfo, FileInspection } from '../../shared/ipc/contract.ts';
import { emptyCounts, type RowCounts } from '../../shared/load-types.ts';

export function inspection(path: string, columns: Record<string, string>, extra: Partial<FileInspection> = {}): FileInspection {
  return {
    path,
    sizeBytes: 2048,
    // Unknown unless a test gives one, so that no screen shows a count the test did not choose.
    rowEstimate: null,
    format: path.endsWith('.parquet') ? 'parquet, zstd, 1 row group' : "csv, ',' separated, UTF-8, header",
    type: path.endsWith('.parquet') ? 'parquet' : 'csv',
    columns: Object.entries(columns).map(([name, pgType]) => ({ name, pgType })),
    error: null,
    ...extra,
  };
}

export function connection(extra: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    id: 'local',
    name: 'Local database',
    host: 'localhost',
    port: 5432,
    database: 'keyload',
    user: 'keyload',
    sslMode: 'disable',
    builtin: true,
    hasPassword: false,
    passwordStore: null,
    ...extra,
  };
}

export function counts(values: Partial<RowCounts>): RowCounts {
  return { ...emptyCounts(), ...values };
}
