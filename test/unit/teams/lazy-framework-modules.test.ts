import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs `script` in a fresh Node process from the repository root (jest's own module loader bypasses
 * Module._load, so the deferral can only be seen in a real one) and returns what it printed as JSON.
 */
function inNode(script: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TS_NODE_TRANSPILE_ONLY: 'true' },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

const LOADED = `
const loaded = (part) => Object.keys(require.cache).some((f) => f.replaceAll('\\\\', '/').includes(part));
const unused = {
  dialogs: 'node_modules/botbuilder-dialogs/',
  recognizers: 'node_modules/@microsoft/recognizers-text',
  identity: 'node_modules/@azure/identity/',
  teamsAiMsal: 'teams-ai/node_modules/@azure/msal-node/',
  connectorMsal: 'botframework-connector/node_modules/@azure/msal-node/',
  teamsAiAuthentication: 'teams-ai/lib/authentication/Authentication.js',
  teamsAiPlanner: 'teams-ai/lib/AI.js',
  yaml: 'node_modules/yaml/',
};
const which = () => Object.fromEntries(Object.entries(unused).map(([k, p]) => [k, loaded(p)]));
`;

// Memory (issue 16): what the bot never runs is not loaded, and what it might run still loads when touched.
describe('deferred framework modules', () => {
  it('the Teams app loads without teams-ai sign-in, botbuilder-dialogs, the recognizers, the AI planner, @azure/identity or the extra msal-node copies', () => {
    const r = inNode(`${LOADED}
      require('./src/teams/lazy-framework-modules');
      require('./src/teams/app');
      console.log(JSON.stringify(which()));`);
    expect(r).toEqual({ dialogs: false, recognizers: false, identity: false, teamsAiMsal: false, connectorMsal: false, teamsAiAuthentication: false, teamsAiPlanner: false, yaml: false });
  }, 60_000);

  it('without the deferral the same modules load (the test can fail)', () => {
    const r = inNode(`${LOADED}
      require('./src/teams/app');
      console.log(JSON.stringify(which()));`);
    expect(r).toEqual({ dialogs: true, recognizers: true, identity: true, teamsAiMsal: true, connectorMsal: true, teamsAiAuthentication: true, teamsAiPlanner: true, yaml: true });
  }, 60_000);

  it('a deferred module loads at first use: the connector app password credentials and teams-ai sign-in still work', () => {
    const r = inNode(`${LOADED}
      require('./src/teams/lazy-framework-modules');
      const { MicrosoftAppCredentials, MsalAppCredentials } = require('botframework-connector');
      const { Application } = require('@microsoft/teams-ai/lib/Application');
      const { TeamsAdapter } = require('@microsoft/teams-ai/lib/TeamsAdapter');
      const { MemoryStorage } = require('botbuilder');
      const before = which();
      // The bot's app password path: MsalAppCredentials builds an msal-node client (no network until a token is asked).
      const creds = new MsalAppCredentials('app-id', 'secret', 'https://login.microsoftonline.com/tenant', 'https://api.botframework.com');
      const clientType = creds.clientApplication.constructor.name;
      // teams-ai's own sign-in, which the bot does not configure: it still constructs when asked for.
      const app = new Application({ adapter: new TeamsAdapter(), storage: new MemoryStorage(), authentication: { settings: { graph: { connectionName: 'c', title: 'Sign in' } } } });
      console.log(JSON.stringify({ before, after: which(), clientType, manager: app.authentication.constructor.name, appCreds: typeof MicrosoftAppCredentials }));`);
    expect(r.before).toMatchObject({ connectorMsal: false, teamsAiAuthentication: false, dialogs: false });
    expect(r.after).toMatchObject({ connectorMsal: true, teamsAiAuthentication: true, dialogs: true });
    expect(r.clientType).toBe('ConfidentialClientApplication');
    expect(r.manager).toBe('AuthenticationManager');
  }, 60_000);
});
