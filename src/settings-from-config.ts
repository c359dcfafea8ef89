// How configuration (hours, minutes, flags, group ids) becomes the settings the use cases and the approval flow take,
// in the units they use; pure mappings, kept out of main.ts so it stays a list of what is built from what.
import type { Config } from './config';
import type { UseCaseSettings } from './core/use-cases/deps';
import type { ApprovalSettings } from './teams/approval-flow';

/** UseCaseDeps.settings. */
export function useCaseSettings(config: Config): UseCaseSettings {
  return {
    ticketRequired: config.ticketRequired,
    defaultUsageLocation: config.defaultUsageLocation,
    passwordRevealMinutes: config.passwordRevealMinutes,
    passwordRetentionMs: config.passwordRetentionHours * 3_600_000,
    scheduleLeadMs: config.startLeadMinutes * 60_000,
    startReminderMs: config.startReminderHours * 3_600_000,
    customerChoiceLimit: 100,
    creationLeaseMs: config.creationLeaseMs,
    app: { id: config.aad.clientId, displayName: config.http.appName },
    adminAgentsGroupId: config.adminAgentsGroupId,
    templateAdminGroupId: config.templateAdminGroupId,
  };
}

/** The Teams app's `approvals` (who approves, for how long, where the password goes, the channel to send to). */
export function approvalSettings(config: Config): ApprovalSettings {
  return {
    approverGroupId: config.approvals.approverGroupId,
    allowSelfApproval: config.approvals.allowSelfApproval,
    expireAfterMs: config.approvals.expireAfterHours * 3_600_000,
    passwordToApprover: config.approvals.passwordToApprover,
    channelId: config.approvals.channelId,
  };
}
