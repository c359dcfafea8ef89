import * as nodeModule from 'node:module';

/**
 * Imported first by main.ts. On Node ≥ 22.8 (what the deployment runs) Node keeps the compiled code of every module
 * it loads in a cache folder (os.tmpdir()/node-compile-cache) and reuses it at the next start of the same files:
 * compiling botbuilder, teams-ai and the Adaptive Cards templating stack is about a fifth of the start-up time.
 * Files that changed are compiled afresh, and a cache that cannot be written just leaves things as they are. Older
 * Node versions have no such function: nothing happens.
 */
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
