// The bot's host: a Linux App Service plan and a Node 22 LTS Web App (Node 20 reached end of life on 2026-04-30 and
// App Service drops end-of-life stacks; 22 is supported until 2027-04-30; .ci/run runs the tests on Node 22 too).
// Code arrives by zip deploy (az webapp deploy or the Toolkit's azureAppService/zipDeploy); the platform builds it
// (npm install + npm run build, Oryx) because SCM_DO_BUILD_DURING_DEPLOYMENT is on, then starts
// `node dist/src/main.js`.
param name string
param location string
param sku string
param instanceCount int = 1
@description('Resource id of the user-assigned identity that resolves the Key Vault references.')
param identityId string
@description('App settings (name → value). Secrets must be @Microsoft.KeyVault(...) references, never values.')
param appSettings object
param tags object = {}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: sku
    capacity: instanceCount
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      appCommandLine: 'node dist/src/main.js'
      alwaysOn: true // a bot must answer within seconds; no cold starts
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: site
  name: 'appsettings'
  properties: union(appSettings, {
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
  })
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName
