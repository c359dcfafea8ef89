// Storage for the scale-out request store: one private blob container. The bot reaches it with
// STORAGE_CONNECTION_STRING (kept in Key Vault, see key-vault.bicep) and STORAGE_CONTAINER.
param name string
param location string
param containerName string
param tags object = {}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // The store authenticates with the connection string (shared key); turn this off only after moving the
    // bot to managed-identity auth.
    allowSharedKeyAccess: true
    accessTier: 'Hot'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    // Blob soft delete is OFF on purpose. The container holds secrets whose erasure must be real: sealed
    // passwords of requests, sealed sign-in sessions, the kept identity of a creation in flight. With blob soft
    // delete on, every delete AND every overwrite keeps the old blob, readable by anyone with account access, for
    // the retention period. The bot never deletes a request (the audit trail), so blob soft delete would protect
    // nothing but the secrets it is meant to forget. See docs/deploy.md, "What deleted data Azure keeps".
    deleteRetentionPolicy: {
      enabled: false
    }
    // Deleting the whole container (an operator's mistake) stays recoverable for a week; that keeps everything
    // in it, secrets included (still encrypted with DATA_ENCRYPTION_KEY), for those 7 days.
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}

output name string = account.name
output containerName string = container.name
