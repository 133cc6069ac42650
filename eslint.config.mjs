// @ts-check
/**
 * ESLint: its recommended rules and typescript-eslint's, for everything we write (the server,
 * tests, benchmarks, scripts and the console). Formatting is Prettier's alone (eslint-config-prettier
 * turns off the rules it would fight with). Run with `npm run lint`.
 */
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Built output and code generated from the service model (npm run gen:types) are not ours to lint.
  { ignores: ['dist/', 'out/', 'node_modules/', 'src/protocol/generated/', 'spec/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  { files: ['console/src/**'], languageOptions: { globals: globals.browser } },
  {
    rules: {
      // `const { DryRun: _d, ...rest } = input` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read the AWS CLI's and boto3's JSON output and the clients' error objects, whose shapes
    // are what the tests assert; typing each would restate the AWS model beside the assertions.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
