import Module from 'node:module';

/**
 * Memory (issue 16): botbuilder and teams-ai `require` at load time packages this bot never runs, and V8 keeps their
 * compiled code for the life of the process, about 20 MB of heap in all (measured with the bot idle):
 * - teams-ai's Application loads its own OAuth/SSO sign-in (`authentication/Authentication`), which loads a third
 *   copy of msal-node and botbuilder-dialogs, whose prompts load the Microsoft text recognizers (~6 MB of source).
 *   The bot signs people in itself (./sign-in.ts) and never passes teams-ai an `authentication` option, which is
 *   the only place Application touches that module.
 * - botframework-connector's auth index loads @azure/identity (and its own msal-node) for managed identity, which
 *   this bot does not use, and another msal-node for app passwords, needed only when the bot first asks for its
 *   token to call the Bot Connector.
 * Each listed `require` hands back a stand-in that loads the real module the first time anything is read from it,
 * so the code still works if a path is ever taken (the connector's msal-node is loaded at the bot's first
 * outbound call in production). Only these exact (requiring file, request) pairs are deferred; every other
 * require is untouched, and a pair that no longer exists after an upgrade simply never matches.
 *
 * Must run before botbuilder is first required: main.ts imports this first. Jest's module loader does not use
 * Module._load, so inside jest nothing is deferred (test/unit/teams/lazy-framework-modules.test.ts checks the
 * real thing in a child process).
 */
const DEFERRED: ReadonlyArray<readonly [requiredBy: string, request: string]> = [
  ['/@microsoft/teams-ai/lib/Application.js', './authentication/Authentication'],
  ['/@microsoft/teams-ai/lib/authentication/BotAuthenticationBase.js', './Authentication'],
  ['/@microsoft/teams-ai/lib/authentication/BotAuthenticationBase.js', 'botbuilder-dialogs'],
  ['/botframework-connector/lib/auth/jwtTokenProviderFactory.js', '@azure/identity'],
  ['/botframework-connector/lib/auth/msalAppCredentials.js', '@azure/msal-node'],
  ['/botframework-connector/lib/auth/certificateAppCredentials.js', '@azure/msal-node'],
  ['/botframework-connector/lib/auth/federatedAppCredentials.js', '@azure/msal-node'],
  // teams-ai's AI planner (yaml and the moderators come with it): Application needs it only with an `ai` option.
  ['/@microsoft/teams-ai/lib/Application.js', './AI'],
  // The connector's OpenID metadata client (https-proxy-agent, its key conversion): ./openid-metadata.ts puts its
  // own in the extractor's cache for the URLs the bot trusts, so this one is built only for a URL it does not know.
  ['/botframework-connector/lib/auth/jwtTokenExtractor.js', './openIdMetadata'],
];

type Load = (request: string, parent: NodeModule | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load & { deferringFrameworkModules?: true } };

/** Installs the deferral once (idempotent: main.ts and tests may both call it). */
export function deferUnusedFrameworkModules(): void {
  if (loader._load.deferringFrameworkModules) return;
  const load = loader._load;
  const deferring: Load & { deferringFrameworkModules?: true } = function (this: unknown, request, parent, isMain) {
    const from = parent?.filename?.replaceAll('\\', '/');
    if (from && DEFERRED.some(([by, r]) => r === request && from.endsWith(by))) return lazyModule(() => load.call(this, request, parent, isMain));
    return load.call(this, request, parent, isMain);
  };
  deferring.deferringFrameworkModules = true;
  loader._load = deferring;
}

/** An object that stands for a module's exports and loads the module at the first read. */
function lazyModule(load: () => unknown): object {
  let real: object | undefined;
  const exports = () => (real ??= load() as object);
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(exports(), key),
      has: (_, key) => Reflect.has(exports(), key),
      ownKeys: () => Reflect.ownKeys(exports()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(exports(), key);
        // The stand-in's own target is empty: a proxy may only report configurable properties it does not hold.
        return d && { ...d, configurable: true };
      },
    },
  );
}

deferUnusedFrameworkModules();
