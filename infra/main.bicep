// Partner User Desk: everything one partner needs in Azure to run the bot.
//
//   az deployment group create -g <resource group> -f infra/main.bicep -p resourceBaseName=... entraAppClientId=... (docs/deploy.md)
//   (or the Microsoft 365 Agents Toolkit: m365agents.yml's arm/deploy step fills infra/main.parameters.json)
//
// What it creates, in the resource group's region unless noted:
//   - a user-assigned managed identity, the Web App's identity for Key Vault references;
//   - a Key Vault (RBAC mode) holding the Entra app's client secret, DATA_ENCRYPTION_KEY and the storage
//     connection string; the identity gets "Key Vault Secrets User" on it and nothing else;
//   - a storage account and blob container for the scale-out request store (STORAGE_CONNECTION_STRING /
//     STORAGE_CONTAINER);
//   - a Linux App Service plan and a Node 22 LTS Web App running the bot, configured through app settings that mirror
//     src/config.ts, secrets as @Microsoft.KeyVault(...) references;
//   - an Azure Bot (global) with the Microsoft Teams channel and one OAuth connection for the sign-in fallback.
//
// One Entra app plays both parts: it is the bot's Microsoft App ID and the SSO/on-behalf-of app, because the Teams
// manifest's webApplicationInfo must be {id: <bot id>, resource: "api://botid-<bot id>"} for bot SSO. So BOT_ID and
// AAD_APP_CLIENT_ID are the same value, and so are BOT_PASSWORD and AAD_APP_CLIENT_SECRET.
targetScope = 'resourceGroup'

@description('Short lowercase prefix for resource names (letters, digits, hyphens). Names also get a suffix unique to the resource group.')
@minLength(3)
@maxLength(20)
param resourceBaseName string

@description('Region for everything but the Azure Bot (which is global).')
param location string = resourceGroup().location

@description('Client (application) id of the Entra app registration: the bot id and the SSO / on-behalf-of client (BOT_ID = AAD_APP_CLIENT_ID).')
@minLength(36)
@maxLength(36)
param entraAppClientId string

@description('A client secret of that Entra app. Stored in Key Vault; also given to the Bot Service OAuth connection, which cannot read Key Vault.')
@secure()
param entraAppClientSecret string

@description('The partner tenant id: where the Entra app is registered and the engineers sign in (AAD_APP_TENANT_ID, BOT_TENANT_ID).')
@minLength(36)
@maxLength(36)
param partnerTenantId string

@description('DATA_ENCRYPTION_KEY: 32 random bytes as 64 hex characters or base64 (openssl rand -hex 32). Keep it stable across deployments.')
@secure()
@minLength(44)
param dataEncryptionKey string

@description('App Service plan SKU. B1 is enough for one partner; use S1/P0v3 or larger for deployment slots or scale-out.')
@allowed(['B1', 'B2', 'B3', 'S1', 'S2', 'P0v3', 'P1v3', 'P2v3'])
param webAppSku string = 'B1'

@description('Number of Web App instances. Above 1, switch the bot to the Blob store (STORAGE_*): the embedded store is single-instance.')
@minValue(1)
@maxValue(10)
param instanceCount int = 1

@description('Azure Bot pricing tier. Microsoft Teams is a standard channel, free on F0 as well.')
@allowed(['F0', 'S1'])
param botServiceSku string = 'F0'

@description('Display name of the Azure Bot resource.')
param botDisplayName string = 'Partner User Desk'

@description('Multi-tenant registration only (docs/deploy.md): the verified domain in the SSO identifier URI api://<domain>/botid-<app id>. Empty for the single-tenant registration.')
param ssoResourceDomain string = ''

@description('Name of the Bot Service OAuth connection used for the sign-in fallback (see modules/azure-bot.bicep); the bot reads it as OAUTH_CONNECTION_NAME.')
param oauthConnectionName string = 'sso'

@description('Blob container for the scale-out request store (STORAGE_CONTAINER).')
@minLength(3)
@maxLength(63)
param storageContainerName string = 'partner-user-desk'

@description('LOG_LEVEL for the bot.')
@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
param logLevel string = 'info'

@description('DEFAULT_USAGE_LOCATION: two-letter country code preselected for new users.')
@minLength(2)
@maxLength(2)
param defaultUsageLocation string = 'US'

@description('TICKET_REQUIRED: whether every request must carry a ticket reference.')
param ticketRequired bool = false

@description('PASSWORD_REVEAL_MINUTES: how long the requester can reveal a new user\'s initial password.')
@minValue(1)
param passwordRevealMinutes int = 10

@description('Further app settings merged over the defaults (for example HTTP_TIMEOUT_MS). Never put secrets here: use Key Vault.')
param extraAppSettings object = {}

@description('Tags for every resource.')
param tags object = {}

var suffix = uniqueString(resourceGroup().id, resourceBaseName)
var webAppName = '${resourceBaseName}-${take(suffix, 6)}'
var keyVaultName = 'kv${take(suffix, 13)}'
var storageAccountName = 'st${take(suffix, 13)}'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${resourceBaseName}-identity'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    containerName: storageContainerName
    tags: tags
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    tenantId: subscription().tenantId
    readerPrincipalId: identity.outputs.principalId
    clientSecret: entraAppClientSecret
    dataEncryptionKey: dataEncryptionKey
    storageAccountName: storage.outputs.name
    tags: tags
  }
}

// A Key Vault reference the Web App resolves with its user-assigned identity (keyVaultReferenceIdentity).
// Versionless, so a rotated secret is picked up on the next restart.
func kvRef(vaultName string, secretName string) string => '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${secretName})'

// The app settings, one for each variable src/config.ts reads in production. Left out on purpose:
// PORT (App Service sets it and routes 443 to it), SANDBOX_PORT / SANDBOX_USER / PLAYGROUND_PORT (sandbox only),
// HTTP_TIMEOUT_MS / HTTP_DEADLINE_MS / HTTP_MAX_RETRIES / LOOKUP_CACHE_SECONDS (the defaults suit Partner Center;
// override them through extraAppSettings).
var botSettings = {
  SANDBOX: 'false'
  PLAYGROUND: 'false'
  BOT_ID: entraAppClientId
  BOT_PASSWORD: kvRef(keyVault.outputs.name, keyVault.outputs.clientSecretName)
  BOT_TENANT_ID: partnerTenantId
  AAD_APP_CLIENT_ID: entraAppClientId
  AAD_APP_CLIENT_SECRET: kvRef(keyVault.outputs.name, keyVault.outputs.clientSecretName)
  AAD_APP_TENANT_ID: partnerTenantId
  OAUTH_CONNECTION_NAME: oauthConnectionName
  AUTHORITY_HOST: environment().authentication.loginEndpoint
  PARTNER_CENTER_BASE_URL: 'https://api.partnercenter.microsoft.com'
  GRAPH_BASE_URL: 'https://graph.microsoft.com'
  DATA_ENCRYPTION_KEY: kvRef(keyVault.outputs.name, keyVault.outputs.dataEncryptionKeyName)
  // /home is the App Service's persistent (and shared) file system; everything else is lost on restart.
  DATA_DIR: '/home/data/partner-user-desk'
  // The scale-out store: safe for several instances, unlike a SQLite file on the shared /home.
  STORAGE: 'blob'
  STORAGE_CONNECTION_STRING: kvRef(keyVault.outputs.name, keyVault.outputs.storageConnectionStringName)
  STORAGE_CONTAINER: storage.outputs.containerName
  LOG_LEVEL: logLevel
  DEFAULT_USAGE_LOCATION: toUpper(defaultUsageLocation)
  TICKET_REQUIRED: string(ticketRequired)
  PASSWORD_REVEAL_MINUTES: string(passwordRevealMinutes)
  PARTNER_CENTER_APP_NAME: 'PartnerUserDesk'
}

module webApp 'modules/web-app.bicep' = {
  name: 'web-app'
  params: {
    name: webAppName
    location: location
    sku: webAppSku
    instanceCount: instanceCount
    identityId: identity.outputs.id
    appSettings: union(botSettings, extraAppSettings)
    tags: tags
  }
}

module bot 'modules/azure-bot.bicep' = {
  name: 'azure-bot'
  params: {
    name: webAppName
    displayName: botDisplayName
    sku: botServiceSku
    endpoint: 'https://${webApp.outputs.defaultHostName}/api/messages'
    appId: entraAppClientId
    appSecret: entraAppClientSecret
    tenantId: partnerTenantId
    oauthConnectionName: oauthConnectionName
    ssoResourceDomain: ssoResourceDomain
    tags: tags
  }
}

// Upper-case names: the Agents Toolkit's arm/deploy writes each output into env/.env.<env> under its own name.
output BOT_DOMAIN string = webApp.outputs.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.outputs.defaultHostName}/api/messages'
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.outputs.id
output BOT_SERVICE_NAME string = bot.outputs.name
output OAUTH_CONNECTION_NAME string = bot.outputs.oauthConnectionName
output KEY_VAULT_NAME string = keyVault.outputs.name
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output STORAGE_CONTAINER string = storage.outputs.containerName
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
