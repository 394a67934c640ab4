// eslint: the recommended JavaScript and TypeScript rules, formatting left to prettier.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'obj_dir/', '.venv/', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      // a leading underscore names what a destructuring leaves out on purpose
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  // declarations of an untyped package's module: its own loose types
  { files: ['**/*.d.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-empty-object-type': 'off' } },
  { languageOptions: { globals: { ...globals.node } } },
  // the explorer page runs in the browser
  { files: ['harness/sweep/explorer/page.js'], languageOptions: { globals: { ...globals.browser } } },
);
