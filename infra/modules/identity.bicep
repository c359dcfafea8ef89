// The Web App's user-assigned managed identity. User-assigned (not system-assigned) so it exists before the Web App
// and Key Vault access can be granted first: the app's Key Vault references resolve on its very first start.
param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
output name string = identity.name
