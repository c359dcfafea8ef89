/** The rules of a valid new user: pure functions and constants, no I/O. */
export { CARD_PATTERNS, type CardPatternName } from './card-patterns';
export { describeCharacter } from './chars';
export { COUNTRIES, countryName, isCountryCode, type Country } from './countries';
export {
  checkNames,
  defaultDisplayName,
  immutableIdProblem,
  immutableIdWeight,
  nameProblem,
  ticketProblem,
  usageLocationProblem,
  DISPLAY_NAME_MAX,
  IMMUTABLE_ID_MAX,
  IMMUTABLE_ID_WEIGHTED_MAX,
  NAME_MAX,
  TICKET_MAX,
} from './names';
export {
  NEW_USER_FIELDS,
  newUserFormSchema,
  parseNewUserForm,
  parseNewUserFormInputs,
  readNewUserForm,
  type NewUserDraft,
  type NewUserField,
  type NewUserForm,
  type ParseOptions,
  type ParseResult,
} from './new-user-form';
export {
  checkPassword,
  generatePassword,
  passwordProblem,
  GENERATED_ALPHABET,
  GENERATED_DEFAULT,
  GENERATED_MIN,
  PASSWORD_MAX,
  PASSWORD_MIN,
  PASSWORD_SYMBOLS,
  type GenerateOptions,
} from './password';
export { buildUpn, checkUpn, domainProblem, upnLengthProblem, userNameProblem, UPN_DOMAIN_MAX, UPN_LOCAL_MAX, UPN_MAX } from './upn';
