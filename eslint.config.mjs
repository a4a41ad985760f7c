// The linter: typescript-eslint's type-aware rules over the product code (functions, cli, infra,
// bench, console), the syntax rules over the tests. Import boundaries and cycles are checked by
// dependency-cruiser (.dependency-cruiser.cjs), which sees the whole graph, type-only imports too.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const productCode = ['functions/**/*.ts', 'cli/**/*.ts', 'infra/**/*.ts', 'bench/**/*.ts', 'console/**/*.{ts,tsx}', '*.ts'];

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out*/', '.nightshift/', 'coverage/', 'test-output/', 'dist/', 'docs/', 'test/fixtures/lint/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: productCode,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Route handlers and ports are async by contract, whether or not one of them awaits.
      '@typescript-eslint/require-await': 'off',
      // An abort reason is whatever the signal was aborted with (`any`); it is passed on as it came.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    files: productCode,
    ignores: ['functions/core/jobs/lifecycle/**', 'functions/adapters/dynamodb/job-ledger.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='transition']",
          message: 'Move a run through its named function in functions/core/jobs/lifecycle/ (one per legal move of states.ts).',
        },
        {
          selector: "ImportDeclaration[source.value='zod/mini'] > ImportSpecifier[imported.name='z']",
          message: "Import the namespace (`import * as z from 'zod/mini'`): a named `z` bundles all of zod/mini, every locale included.",
        },
      ],
    },
  },
  {
    // The environment is read once, by its parser, at the edge: everything else is handed what it needs.
    files: ['functions/**/*.ts'],
    ignores: ['functions/runtime/edge.ts', 'functions/runtime/authorizer-edge.ts', 'functions/adapters/environment.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Take it as an argument: the edge (functions/runtime/edge.ts) parses the environment once (adapters/environment.ts).' },
      ],
    },
  },
  {
    // Everything under functions/ can end up in a Lambda bundle: zod's tree-shakable build there
    // (about 40 KB of a bundle instead of 100), never the classic one. The CLI and tooling may use either.
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: "Use `import * as z from 'zod/mini'` and `import '<…>/core/zod-mini-english'` (messages in English): the classic build adds ~60 KB to every bundle." },
            { name: 'zod/v4', message: "Use `import * as z from 'zod/mini'` (see core/zod-mini-english.ts): the classic build adds ~60 KB to every bundle." },
          ],
          patterns: [{ group: ['zod/v4/classic', 'zod/v4/classic/*', 'zod/v3', 'zod/v3/*'], message: "Use `import * as z from 'zod/mini'` (see core/zod-mini-english.ts)." }],
        },
      ],
    },
  },
  {
    // Tests build the dependencies they need (test/helpers/); the process's environment is not one of them.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "AssignmentExpression > MemberExpression.left[object.object.name='process'][object.property.name='env']",
          message: 'Build the runtime from variables of the test (testEnvironment in test/helpers/api.ts) instead of changing process.env.',
        },
        {
          selector: "UnaryExpression[operator='delete'] > MemberExpression[object.object.name='process'][object.property.name='env']",
          message: 'Build the runtime from variables of the test (testEnvironment in test/helpers/api.ts) instead of changing process.env.',
        },
        {
          selector: "CallExpression[callee.object.name='Object'][callee.property.name='assign'] > MemberExpression.arguments:first-child[object.name='process'][property.name='env']",
          message: 'Build the runtime from variables of the test (testEnvironment in test/helpers/api.ts) instead of changing process.env.',
        },
      ],
    },
  },
  {
    // Tests read JSON answers as `any` on purpose; what matters there is that promises are awaited.
    files: ['test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
