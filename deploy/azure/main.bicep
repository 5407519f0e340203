// Digikok on Azure: the bot container on Azure Container Apps, Azure Cache for Redis (TLS
// only) as its store, and an Azure Bot resource with the Microsoft Teams channel.
//
//   az deployment group create --resource-group <rg> \
//     --template-file deploy/azure/main.bicep --parameters @deploy/azure/main.parameters.json
//
// See deploy/README.md for the app registration that must exist first and for every setting.

targetScope = 'resourceGroup'

// --- Where and what -----------------------------------------------------------------------

@description('Azure region for everything but the Azure Bot resource, which is always global.')
param location string = resourceGroup().location

@description('Lower-case prefix for resource names (letters, digits and hyphens).')
@minLength(3)
@maxLength(12)
param namePrefix string = 'digikok'

@description('The bot image built from deploy/Dockerfile, e.g. myregistry.azurecr.io/digikok-bot:1.0.0.')
param containerImage string

@description('Login server of a private registry, e.g. myregistry.azurecr.io. Empty for a public image.')
param registryServer string = ''

@description('User name for the private registry.')
param registryUsername string = ''

@description('Password or token for the private registry.')
@secure()
param registryPassword string = ''

// --- Bot identity (MicrosoftApp* in the container) ----------------------------------------

@description('MicrosoftAppType. Azure creates no new multi-tenant bots, so use SingleTenant or UserAssignedMSI.')
@allowed([
  'SingleTenant'
  'UserAssignedMSI'
  'MultiTenant'
])
param botAppType string = 'SingleTenant'

@description('MicrosoftAppId: Application (client) ID of the Entra ID app registration, or the client ID of the managed identity with UserAssignedMSI.')
@minLength(36)
@maxLength(36)
param botAppId string

@description('MicrosoftAppPassword: a client secret of the app registration. Leave empty with UserAssignedMSI.')
@secure()
param botAppPassword string = ''

@description('MicrosoftAppTenantId: the Entra ID tenant of the app registration or identity.')
param botTenantId string = tenant().tenantId

@description('Resource ID of the user-assigned managed identity. Only with UserAssignedMSI.')
param botIdentityResourceId string = ''

@description('Azure Bot pricing tier. Teams is a standard channel, free on F0.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

// --- Digikok settings -----------------------------------------------------------------------

@description('DIGIKOK_SECRET: HMAC key for the anonymity tags, at least 32 characters. Never change it while sessions are in use.')
@secure()
@minLength(32)
param digikokSecret string

@description('RETENTION_DAYS: days a session\'s data is kept after it ends.')
@minValue(1)
@maxValue(3650)
param retentionDays int = 30

@description('ALLOWED_TENANTS: comma-separated tenant IDs whose Teams may use the bot; empty allows all. Defaults to this tenant.')
param allowedTenants string = tenant().tenantId

@description('LOG_LEVEL of the bot.')
@allowed([
  'DEBUG'
  'INFO'
  'WARNING'
  'ERROR'
])
param logLevel string = 'INFO'

@description('CARD_UPDATE_INTERVAL_SECONDS: how often shared cards are refreshed at most.')
@minValue(1)
@maxValue(60)
param cardUpdateIntervalSeconds int = 2

@description('MAX_IDEAS_PER_PERSON: how many ideas one participant may submit in a session.')
@minValue(1)
@maxValue(1000)
param maxIdeasPerPerson int = 50

@description('PUBLIC_BASE_URL when a custom domain points at the app, e.g. https://digikok.example.no. Empty uses the Container App address.')
param publicBaseUrl string = ''

// --- Capacity -----------------------------------------------------------------------------

@description('Bot replicas that always run. At least 1: timers must fire and Teams waits only 15 s for an answer, too short for a cold start.')
@minValue(1)
param minReplicas int = 1

@description('Upper bound for bot replicas under load. Any replica can serve any request.')
@minValue(1)
@maxValue(10)
param maxReplicas int = 2

@description('Standard: primary and replica, no persistence. Premium: adds AOF persistence (a write every second) to a storage account.')
@allowed([
  'Standard'
  'Premium'
])
param redisSku string = 'Standard'

@description('Cache size: 0-6 for Standard (C0-C6; 1 = 1 GB), 1-5 for Premium (P1-P5).')
@minValue(0)
@maxValue(6)
param redisCapacity int = 1

// --- Derived names and values -----------------------------------------------------------------

var suffix = uniqueString(resourceGroup().id)
var appName = '${namePrefix}-bot'
var usesMsi = botAppType == 'UserAssignedMSI'
var usesRegistry = !empty(registryServer)
var premiumRedis = redisSku == 'Premium'
// A Container App's address is <app name>.<environment default domain>; computing it here
// lets the app know its own URL without a reference to itself.
var appFqdn = '${appName}.${containerEnv.properties.defaultDomain}'
var baseUrl = empty(publicBaseUrl) ? 'https://${appFqdn}' : publicBaseUrl
var tenantForBot = botAppType == 'MultiTenant' ? null : botTenantId
// Optional container secrets and variables, joined with the fixed ones below.
var passwordSecrets = usesMsi ? [] : [
  {
    name: 'microsoft-app-password'
    value: botAppPassword
  }
]
var registrySecrets = usesRegistry ? [
  {
    name: 'registry-password'
    value: registryPassword
  }
] : []
var passwordEnv = usesMsi ? [] : [
  {
    name: 'MicrosoftAppPassword'
    secretRef: 'microsoft-app-password'
  }
]

// --- Logs ---------------------------------------------------------------------------------

// Container logs. The bot logs no idea text, names or AAD ids (deploy/README.md).
resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

// --- Redis ----------------------------------------------------------------------------------

// Only with Premium: the cache writes its append-only file here.
resource aofStorage 'Microsoft.Storage/storageAccounts@2023-01-01' = if (premiumRedis) {
  name: take('${replace(namePrefix, '-', '')}aof${suffix}', 24)
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
  }
}

resource redis 'Microsoft.Cache/redis@2024-03-01' = {
  name: '${namePrefix}-redis-${suffix}'
  location: location
  properties: {
    sku: {
      name: redisSku
      family: premiumRedis ? 'P' : 'C'
      capacity: redisCapacity
    }
    // TLS only: the plain port 6379 is off, clients use 6380 with TLS 1.2 or newer.
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    // noeviction: a full cache refuses writes instead of silently dropping sessions and votes
    // (the Azure default, volatile-lru, would evict exactly the keys with a retention TTL).
    redisConfiguration: premiumRedis ? {
      'maxmemory-policy': 'noeviction'
      'aof-backup-enabled': 'true'
      'aof-storage-connection-string-0': 'DefaultEndpointsProtocol=https;AccountName=${aofStorage.name};AccountKey=${aofStorage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
    } : {
      'maxmemory-policy': 'noeviction'
    }
  }
}

// --- Container Apps -------------------------------------------------------------------------

resource containerEnv 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env-${suffix}'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  identity: usesMsi ? {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${botIdentityResourceId}': {}
    }
  } : {
    type: 'None'
  }
  properties: {
    managedEnvironmentId: containerEnv.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 3978
        transport: 'auto'
        allowInsecure: false // Teams only calls https; http is redirected
      }
      registries: usesRegistry ? [
        {
          server: registryServer
          username: registryUsername
          passwordSecretRef: 'registry-password'
        }
      ] : []
      // Secrets live in the Container App, not in its environment variables' plain values.
      secrets: concat([
        {
          name: 'digikok-secret'
          value: digikokSecret
        }
        {
          // The access key is base64 and may hold '/', '+' and '=': URL-encode it.
          name: 'redis-url'
          value: 'rediss://:${uriComponent(redis.listKeys().primaryKey)}@${redis.properties.hostName}:${redis.properties.sslPort}/0'
        }
      ], passwordSecrets, registrySecrets)
    }
    template: {
      containers: [
        {
          name: 'bot'
          image: containerImage
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat([
            {
              name: 'MicrosoftAppId'
              value: botAppId
            }
            {
              name: 'MicrosoftAppType'
              value: botAppType
            }
            {
              name: 'MicrosoftAppTenantId'
              value: botAppType == 'MultiTenant' ? '' : botTenantId
            }
            {
              name: 'REDIS_URL'
              secretRef: 'redis-url'
            }
            {
              name: 'DIGIKOK_SECRET'
              secretRef: 'digikok-secret'
            }
            {
              name: 'RETENTION_DAYS'
              value: string(retentionDays)
            }
            {
              name: 'PUBLIC_BASE_URL'
              value: baseUrl
            }
            {
              name: 'ALLOWED_TENANTS'
              value: allowedTenants
            }
            {
              name: 'LOG_LEVEL'
              value: logLevel
            }
            {
              name: 'CARD_UPDATE_INTERVAL_SECONDS'
              value: string(cardUpdateIntervalSeconds)
            }
            {
              name: 'MAX_IDEAS_PER_PERSON'
              value: string(maxIdeasPerPerson)
            }
            {
              name: 'PORT'
              value: '3978'
            }
          ], passwordEnv)
          probes: [
            {
              // Liveness: the process answers. A Redis outage must not restart every replica.
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: 3978
              }
              periodSeconds: 30
              failureThreshold: 3
            }
            {
              // Readiness: Redis is reachable; until then the replica gets no traffic.
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: 3978
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: 3978
              }
              periodSeconds: 5
              failureThreshold: 24
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http'
            http: {
              metadata: {
                concurrentRequests: '50'
              }
            }
          }
        ]
      }
    }
  }
}

// --- Azure Bot and the Teams channel ------------------------------------------------------------

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${namePrefix}-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'Digikok'
    endpoint: '${baseUrl}/api/messages'
    msaAppId: botAppId
    msaAppType: botAppType
    msaAppTenantId: tenantForBot
    msaAppMSIResourceId: usesMsi ? botIdentityResourceId : null
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      deploymentEnvironment: 'CommercialDeployment'
    }
  }
}

// --- Outputs (no secrets) ---------------------------------------------------------------------

@description('Set PUBLIC_BASE_URL to this when building the Teams package.')
output publicBaseUrl string = baseUrl

@description('The messaging endpoint registered on the Azure Bot.')
output messagingEndpoint string = '${baseUrl}/api/messages'

@description('The Container App\'s own host name (the default BOT_DOMAIN).')
output containerAppFqdn string = appFqdn

output botResourceName string = bot.name
output redisHostName string = redis.properties.hostName
