import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';

// Module boundaries: apps depend on libs, never on each other; the domain lib stays pure
// (it may import nothing of ours); libs never import apps; the web app (scope:web) imports no lib at all: it reaches the
// server only over HTTP, through its typed API client.
export default [
  // apps/web/src/api/schema.d.ts is written by npm run api:types (test/api-types.spec.ts holds it to the live document).
  { ignores: ['**/node_modules/**', 'dist/**', '.nx/**', 'coverage/**', 'tmp/**', '**/*.js', '**/*.mjs', 'apps/web/src/api/schema.d.ts'] },
  ...tseslint.configs.recommended,
  prettier,
  {
    // Type-aware rules that matter in queue code: a promise nobody awaits loses its error (and its job's retry).
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        // The web app's vite and vitest configs belong to its node-side tsconfig, not the nearest (browser) one.
        projectService: { allowDefaultProject: ['apps/web/*.config.ts'], defaultProject: 'apps/web/tsconfig.node.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Prettier wraps code at 140; strings, comments and SQL are kept there too.
      'max-len': ['error', { code: 140, ignoreUrls: true }],
    },
  },
  { files: ['apps/web/**/*.tsx', 'apps/web/**/*.ts'], ...reactHooks.configs.flat.recommended },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'kind:domain', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'kind:config', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'kind:db', onlyDependOnLibsWithTags: ['kind:domain'] },
            { sourceTag: 'kind:data', onlyDependOnLibsWithTags: ['kind:domain', 'kind:config'] },
            { sourceTag: 'kind:queue', onlyDependOnLibsWithTags: ['kind:config', 'kind:domain', 'kind:telemetry'] },
            { sourceTag: 'kind:telemetry', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'kind:custody', onlyDependOnLibsWithTags: ['kind:config', 'kind:domain'] },
            { sourceTag: 'kind:signals', onlyDependOnLibsWithTags: ['kind:domain', 'kind:config'] },
            { sourceTag: 'kind:venue', onlyDependOnLibsWithTags: ['kind:domain', 'kind:data', 'kind:config'] },
            {
              sourceTag: 'kind:runtime',
              onlyDependOnLibsWithTags: ['kind:config', 'kind:data', 'kind:queue', 'kind:domain', 'kind:telemetry'],
            },
            { sourceTag: 'kind:testing', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
    },
  },
];
