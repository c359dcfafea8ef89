// Key Vault for the bot's secrets, in RBAC mode. The Web App reads them through @Microsoft.KeyVault(...) app
// settings with its user-assigned identity, which gets "Key Vault Secrets User" (read secret values) on this vault
// only. Nobody else is granted anything here: give your operators access through your usual RBAC process.
param name string
param location string
param tenantId string
@description('Principal (object) id of the managed identity that reads the secrets.')
param readerPrincipalId string
@secure()
param clientSecret string
@secure()
param dataEncryptionKey string
@description('Storage account whose connection string is stored as a secret.')
param storageAccountName string
param tags object = {}

// Built-in role "Key Vault Secrets User".
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
  }
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource clientSecretEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'entra-app-client-secret'
  properties: {
    value: clientSecret
    contentType: 'Entra app client secret (BOT_PASSWORD, AAD_APP_CLIENT_SECRET)'
  }
}

resource dataEncryptionKeyEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'data-encryption-key'
  properties: {
    value: dataEncryptionKey
    contentType: 'DATA_ENCRYPTION_KEY (32 bytes, hex or base64)'
  }
}

resource storageConnectionStringEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-connection-string'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storageAccount.name};AccountKey=${storageAccount.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
    contentType: 'STORAGE_CONNECTION_STRING'
  }
}

resource readerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
output clientSecretName string = clientSecretEntry.name
output dataEncryptionKeyName string = dataEncryptionKeyEntry.name
output storageConnectionStringName string = storageConnectionStringEntry.name
