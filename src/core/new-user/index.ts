export { COUNTRIES, countryName, isCountryCode, type Country } from './countries';
export { CARD_PATTERNS } from './card-patterns';
export { parseNewUserForm, type NewUserDraft, type ParseResult } from './new-user-form';
export { defaultDisplayName, immutableIdProblem, nameProblem, ticketProblem, DISPLAY_NAME_MAX, NAME_MAX } from './names';
export { generatePassword, passwordProblem, GENERATED_ALPHABET } from './password';
export { buildUpn, domainProblem, upnLengthProblem, userNameProblem } from './upn';
