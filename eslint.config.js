// Lint: typescript-eslint's recommended rules plus the project's one file-naming convention
// (camelCase file names, optionally with a `.test` / `.contract` style suffix).
import path from 'node:path';
import tseslint from 'typescript-eslint';

const CAMEL_CASE_FILE = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*\.(ts|mjs|js)$/;

const fileNaming = {
  meta: { type: 'suggestion', docs: { description: 'file names are camelCase' }, schema: [] },
  create(context) {
    return {
      Program(node) {
        const base = path.basename(context.filename);
        if (!CAMEL_CASE_FILE.test(base)) context.report({ node, message: `file name "${base}" is not camelCase (e.g. sqliteEventStore.ts)` });
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.cache/**', '.tmp/**', 'dashboards/vendor/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { brain: { rules: { 'file-naming': fileNaming } } },
    rules: {
      'brain/file-naming': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
