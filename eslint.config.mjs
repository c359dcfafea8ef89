// The boundary rules of ../shared/design.md, enforced: the domain core imports no Teams, botbuilder, MSAL or
// transport code, and only src/teams/ may import botbuilder or @microsoft/teams-ai (both at end of life upstream).
import tseslint from 'typescript-eslint';

const teamsPackages = ['botbuilder', 'botbuilder-*', 'botframework-*', '@microsoft/teams-ai', '@microsoft/teams-ai/*'];
const msalPackages = ['@azure/msal-node', '@azure/msal-*'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'devTools/**', 'appPackage/build/**', 'test-output/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: teamsPackages, message: 'botbuilder and teams-ai may only be imported inside src/teams/.' }],
      }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/sandbox/**'],
    rules: { 'no-restricted-globals': ['error', { name: 'process', message: 'Read configuration in src/config.ts and pass it in.' }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...teamsPackages, ...msalPackages], message: 'src/core must not depend on Teams, botbuilder or MSAL.' },
          { group: ['express', 'pino', 'node:http', 'node:https', 'http', 'https', 'ws'], message: 'src/core is transport-free: use a port.' },
          { group: ['**/teams/**', '**/sandbox/**', '**/identity/**', '**/partner-center/**', '**/graph/**', '**/storage/**'], message: 'src/core must not import adapters; adapters import core.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'src/core does no I/O: use a port.' }, { name: 'process', message: 'src/core reads no environment: config is passed in.' }],
    },
  },
  {
    files: ['src/teams/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
