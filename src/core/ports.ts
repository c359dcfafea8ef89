/**
 * The ports of the domain core: everything the use cases need from the outside world, as plain TypeScript
 * interfaces. Adapters (src/partner-center, src/graph, src/identity, src/storage, src/sandbox) implement them;
 * the core never sees HTTP, MSAL or Teams types. One file per outside party, in src/core/ports/.
 */
export * from './ports/runtime';
export * from './ports/identity';
export * from './ports/upstream-call';
export * from './ports/partner-center';
export * from './ports/directory';
export * from './ports/connection-log';
export * from './ports/onboarding';
export * from './ports/temporary-access-pass';
