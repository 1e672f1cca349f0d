// Test support: PostgreSQL's programs copied inside a directory only root may enter, like a clone
// in a `mktemp -d` folder, to check that root still gets a server the postgres user can run.
import { chmod, cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postgresBinaries } from '../src/main/local-db/postgres-binaries.ts';

export async function hiddenBinaries(): Promise<{ dir: string; binaries: { pgCtl: string; initdb: string; postgres: string } }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'keyload-hidden-bin-'));
  const real = await postgresBinaries();
  const native = path.dirname(path.dirname(real.pgCtl));
  await cp(native, path.join(dir, 'native'), { recursive: true, verbatimSymlinks: true });
  await chmod(dir, 0o700);
  const inside = (program: string) => path.join(dir, 'native', path.relative(native, program));
  return { dir, binaries: { pgCtl: inside(real.pgCtl), initdb: inside(real.initdb), postgres: inside(real.postgres) } };
}
