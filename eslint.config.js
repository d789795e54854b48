// Type-aware lint: the async rules (floating promises, awaiting non-promises) need type information.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '**/.kv2/**', '.vitest-tmp/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.mjs', '.ci/*.mjs', 'scripts/*.mjs', 'conformance/scripts/*.mjs', 'packages/cli/bin/*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // TypeScript itself reports undefined names, with Node's globals known.
      'no-undef': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // CI, build and report scripts are plain JavaScript reading untyped JSON: lint them without type information.
  { files: ['.ci/**/*.mjs', 'scripts/**/*.mjs', 'conformance/scripts/*.mjs', '*.mjs'], ...tseslint.configs.disableTypeChecked },
);
