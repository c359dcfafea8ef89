import type { PasswordVault, RequestStore } from '../approval/user-request';
import type { Clock, Directory, Ids, Logger, PartnerCenter, TokenProvider } from '../ports';
import type { Preflight } from '../preflight/run-preflight';

/** What every use case may use: ports only, plus the settings that change behaviour. */
export interface UseCaseDeps {
  partnerCenter: PartnerCenter;
  directory: Directory;
  tokens: TokenProvider;
  requests: RequestStore;
  vault: PasswordVault;
  preflight: Preflight;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  settings: UseCaseSettings;
}

export interface UseCaseSettings {
  ticketRequired: boolean;
  defaultUsageLocation: string;
  /** How long the temporary password stays visible in the result message. */
  passwordRevealMinutes: number;
  /** The most customers offered in the form's static list; longer lists are searched with Data.Query. */
  customerChoiceLimit: number;
}
