// The Azure Bot registration: the Bot Framework identity (single-tenant, the partner's Entra app), the messaging
// endpoint, the Microsoft Teams channel and one OAuth connection.
//
// Why the bot exchanges Teams SSO tokens itself (MSAL acquireTokenOnBehalfOf) instead of letting the Bot
// Framework token service do it through this connection:
//   - the downstream calls need tokens for Partner Center (user_impersonation) and for Microsoft Graph in the
//     partner tenant and in customer tenants (through GDAP); the token service hands back one token per
//     connection for the connection's scopes, while OBO gets each of those from the one SSO assertion;
//   - Partner Center demands MFA on every App+User call, so the bot must read the incoming SSO token's claims
//     (amr, tid, oid) before it calls anything; it needs the assertion itself for that;
//   - Adaptive Card Universal Actions (Action.Execute) carry the SSO token in the invoke itself
//     (value.authentication.token after a 401 loginRequest), which the token service flow does not handle.
// What this OAuth connection is still used for: the fallback when silent SSO cannot complete (no consent yet,
// Teams web in a browser that blocks it). The bot answers the token exchange with 412, Teams shows the OAuthCard's
// sign-in button, whose link the Bot Framework token service (token.botframework.com, hence the manifest's
// validDomains entry) makes from this connection; signin/verifyState then yields a token for
// api://botid-<app id>/access_as_user, the same audience as an SSO token, which the bot exchanges with OBO like
// any other. Its client secret is stored in the Bot Service (connections cannot read Key Vault): rotate it here
// and in Key Vault together.
param name string
param displayName string
param sku string
@description('https://<host>/api/messages')
param endpoint string
param appId string
@secure()
param appSecret string
param tenantId string
param oauthConnectionName string
@description('Multi-tenant registration only: the verified domain of the SSO identifier URI api://<domain>/botid-<app id>; empty: api://botid-<app id>.')
param ssoResourceDomain string = ''
param tags object = {}

// The Entra app's identifier URI = the Teams manifest's webApplicationInfo.resource (npm run package, SSO_RESOURCE_DOMAIN).
var ssoResource = empty(ssoResourceDomain) ? 'api://botid-${appId}' : 'api://${ssoResourceDomain}/botid-${appId}'

// "Azure Active Directory v2", the service provider id the Bot Service uses for Entra ID connections.
var aadV2ServiceProviderId = '30dd229c-58e3-4a48-bdfd-91ec48eb906c'

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: endpoint
    msaAppId: appId
    msaAppType: 'SingleTenant'
    msaAppTenantId: tenantId
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

resource ssoConnection 'Microsoft.BotService/botServices/connections@2022-09-15' = {
  parent: bot
  name: oauthConnectionName
  location: 'global'
  properties: {
    serviceProviderDisplayName: 'Azure Active Directory v2'
    serviceProviderId: aadV2ServiceProviderId
    clientId: appId
    clientSecret: appSecret
    scopes: '${ssoResource}/access_as_user'
    parameters: [
      {
        key: 'tenantID'
        value: tenantId
      }
      {
        key: 'tokenExchangeUrl'
        value: ssoResource
      }
    ]
  }
}

output name string = bot.name
output teamsChannel string = teams.name
output oauthConnectionName string = ssoConnection.name
