import type { DueWorkStore } from '../approval/due-work';
import type { CredentialVault, PasswordVault, RequestStore } from '../approval/user-request';
import type { Clock, ConnectionLog, CredentialTokens, Directory, Ids, Logger, PartnerCenter, TemporaryAccessPasses, TokenProvider } from '../ports';
import type { Preflight } from '../preflight/run-preflight';
import type { TemplateStore } from '../templates/template-store';
import type { OnboardingDeps } from '../onboarding/onboarding-deps';

/** What every use case may use: ports only, plus the settings that change behaviour. */
export interface UseCaseDeps {
  partnerCenter: PartnerCenter;
  directory: Directory;
  tokens: TokenProvider;
  requests: RequestStore;
  vault: PasswordVault;
  /** The identity of each creation in flight, for whoever has to finish it. */
  credentials: CredentialVault;
  /** Work due at a stored time (expiry, hiding a password, finishing an interrupted creation). */
  dueWork: DueWorkStore;
  preflight: Preflight;
  /** The audit of customer connections (application consents). */
  connections: ConnectionLog;
  /** User templates (per customer and partner-wide) and the audit of their changes. */
  templates: TemplateStore;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  settings: UseCaseSettings;
  /** Licences and the customer's directory for the onboarding steps; absent: requests asking for them are refused in the checks. */
  onboarding?: OnboardingDeps;
  /** A Temporary Access Pass as the first credential (issue 19); absent: a request asking for one fails that step. */
  tap?: { credentialTokens: CredentialTokens; temporaryAccessPasses: TemporaryAccessPasses };
  /**
   * Background work (a creation after its invoke was answered) awaits this between its steps, so people's turns
   * running at the same moment go first (src/teams/turn-priority.ts; bounded, never a stop). Absent: no waiting.
   */
  turnsFirst?: () => Promise<void>;
}

export interface UseCaseSettings {
  ticketRequired: boolean;
  defaultUsageLocation: string;
  /** How long the temporary password stays visible in the result message. */
  passwordRevealMinutes: number;
  /**
   * How long a stored password may wait for a request that is not moving (a draft nobody creates, a failed
   * request nobody retries) before due work erases it. A request that needs it again afterwards asks for a new
   * one (edit). Approval requests end by their expiry instead; a creation in flight by settling.
   */
  passwordRetentionMs: number;
  /** The most customers offered in the form's static list; longer lists are searched with Data.Query. */
  customerChoiceLimit: number;
  /**
   * How long a creation may run before another instance (or this one, restarted) assumes its runner died and
   * finishes it. Longer than the upstream deadline, so a live creation is normally never finished twice (and
   * if it were, the shared MS-RequestId and compare-and-swap still make it one user and one outcome).
   */
  creationLeaseMs: number;
  /** What "connect a customer" consents: the bot's own Entra app (its client id and display name). */
  app: { id: string; displayName: string };
  /** How long before a request's first day it becomes ready (START_LEAD_MINUTES; default one hour: schedule.ts). */
  scheduleLeadMs?: number;
  /** START_REMINDER_HOURS: how often a ready request nobody acted on is reminded (default a day; 0 none: schedule.ts). */
  startReminderMs?: number;
  /** The partner tenant's AdminAgents group, when known: connecting is refused up front for non-members. */
  adminAgentsGroupId?: string;
  /** TEMPLATE_ADMIN_GROUP_ID: who may manage templates (core/templates/template-permission.ts). */
  templateAdminGroupId?: string;
}
