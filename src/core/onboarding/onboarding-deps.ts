import type { CustomerDirectory, Licences, OnboardingTokens } from '../ports';

/** The ports the onboarding steps and their checks use (absent: a deployment without onboarding). */
export interface OnboardingDeps {
  licences: Licences;
  customerDirectory: CustomerDirectory;
  tokens: OnboardingTokens;
}
