// The layering rules are only worth something while they bite: lint deliberately bad imports from
// each layer (as virtual files inside the real tree, so imports resolve as they would) and expect
// every one to be refused, and a well-behaved file of each layer to pass.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

const forbidden: { layer: string; file: string; imports: string[] }[] = [
  {
    layer: 'renderer',
    file: 'src/renderer/features/probe.tsx',
    imports: ["import 'fs';", "import 'node:fs';", "import pg from 'pg';", "import { z } from 'zod';", "import { planLoad } from '../../main/engine/index.ts';", "import { handlers } from '../../shared/ipc/contract.ts';"],
  },
  { layer: 'shared', file: 'src/shared/probe.ts', imports: ["import pg from 'pg';", "import { createApp } from '../main/app/app.ts';", "import 'node:path';"] },
  {
    layer: 'engine',
    file: 'src/main/engine/load/probe.ts',
    imports: ["import { createApp } from '../../app/app.ts';", "import { RunHistory } from '../../store/run-history.ts';", "import Database from 'better-sqlite3';", "import 'electron';"],
  },
  { layer: 'zod-free contract part', file: 'src/shared/ipc/handler-names.ts', imports: ["import { z } from 'zod';"] },
  { layer: 'preload', file: 'src/preload/probe.ts', imports: ["import { handlers } from '../shared/ipc/contract.ts';", "import { z } from 'zod';", "import { createApp } from '../main/app/app.ts';", "import 'node:fs';"] },
  { layer: 'app', file: 'src/main/app/probe.ts', imports: ["import { runLoad } from '../engine/load/run.ts';", "import 'electron';"] },
  { layer: 'cli', file: 'src/main/cli/probe.ts', imports: ["import { planLoad } from '../engine/load/plan.ts';"] },
];

const allowed: { layer: string; file: string; code: string }[] = [
  { layer: 'renderer', file: 'src/renderer/features/probe.tsx', code: "import { useState } from 'react';\nimport type { KeyloadApi } from '../../shared/ipc/contract.ts';\nexport type Probe = KeyloadApi | typeof useState;\n" },
  { layer: 'shared', file: 'src/shared/probe.ts', code: "import { z } from 'zod';\nexport const probe = z.string();\n" },
  { layer: 'engine', file: 'src/main/engine/load/probe.ts', code: "import { readFile } from 'node:fs/promises';\nimport pg from 'pg';\nimport { ErrorCodes } from '../../../shared/errors.ts';\nexport const probe = [readFile, pg, ErrorCodes];\n" },
  { layer: 'preload', file: 'src/preload/probe.ts', code: "import { ipcRenderer } from 'electron';\nimport type { ErrorInfo } from '../shared/errors.ts';\nimport { handlerNames } from '../shared/ipc/handler-names.ts';\nimport { encodeBridgeError } from '../shared/ipc/envelope.ts';\nexport const probe: [unknown, ErrorInfo | null, unknown, unknown] = [ipcRenderer, null, handlerNames, encodeBridgeError];\n" },
  { layer: 'app', file: 'src/main/app/probe.ts', code: "import { planLoad } from '../engine/index.ts';\nexport const probe = planLoad;\n" },
];

describe('import zones', () => {
  for (const { layer, file, imports } of forbidden) {
    for (const line of imports) {
      it(`refuses in ${layer}: ${line}`, async () => {
        const found = await problems(file, `${line}\nexport {};\n`);
        expect(found.filter((p) => p.startsWith('boundaries/') || p.startsWith('@typescript-eslint/no-restricted-imports'))).not.toEqual([]);
      });
    }
  }
  for (const { layer, file, code } of allowed) {
    it(`accepts what ${layer} may import`, async () => {
      expect(await problems(file, code)).toEqual([]);
    });
  }
});
