// Digikok on Azure: the bot container on Azure Container Apps, Azure Managed Redis (TLS only)
// as its store, an Azure Bot resource with the Microsoft Teams channel, and alerts.
//
//   az deployment group create --resource-group <rg> \
//     --template-file deploy/azure/main.bicep --parameters @deploy/azure/main.parameters.json
//
// See deploy/README.md for the app registration that must exist first, for every setting, and
// for the Microsoft documentation each limit below comes from.

targetScope = 'resourceGroup'

// --- Where and what -----------------------------------------------------------------------

@description('Azure region for everything but the Azure Bot resource (see botLocation).')
param location string = resourceGroup().location

@description('Lower-case prefix for resource names (letters, digits and hyphens).')
@minLength(3)
@maxLength(12)
param namePrefix string = 'digikok'

@description('The bot image built from deploy/Dockerfile, e.g. myregistry.azurecr.io/digikok-bot:1.0.0.')
param containerImage string

@description('Name of an Azure Container Registry in this resource group that holds the image (e.g. myregistry). The app pulls with a managed identity that gets AcrPull on it; no registry password. Empty for a public image.')
param registryName string = ''

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

// Required, no default: an empty or forgotten secret stops the deployment before anything is
// created, instead of deploying a bot that cannot sign its messages. With UserAssignedMSI
// there is no secret; pass any placeholder (e.g. "unused"), it is not deployed.
@description('MicrosoftAppPassword: a client secret of the app registration (SingleTenant, MultiTenant). With UserAssignedMSI pass any placeholder such as "unused"; it is not deployed.')
@secure()
@minLength(1)
param botAppPassword string

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

// Regionalization in Azure AI Bot Service:
// https://learn.microsoft.com/azure/bot-service/bot-builder-concept-regionalization
@description('Where the Azure Bot resource keeps and processes bot data: global, or westeurope for EU data residency (a regional bot). Changing it recreates the bot resource.')
@allowed([
  'global'
  'westeurope'
])
param botLocation string = 'global'

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

@description('LOG_LEVEL of the bot. The 429 alert reads INFO lines: keep INFO or DEBUG.')
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

@description('A custom host name already bound to the app (deploy/README.md, "Custom domain"), e.g. digikok.example.no. Empty: the app\'s own *.azurecontainerapps.io address.')
param customDomainName string = ''

@description('Resource ID of the managed certificate bound to customDomainName (from az containerapp hostname list). Keeps the binding when the template is deployed again.')
param customDomainCertificateId string = ''

// --- Capacity -----------------------------------------------------------------------------

@description('Bot replicas that always run. At least 1: timers must fire and Teams waits only 15 s for an answer, too short for a cold start.')
@minValue(1)
param minReplicas int = 1

@description('Upper bound for bot replicas under load. Any replica can serve any request.')
@minValue(1)
@maxValue(10)
param maxReplicas int = 2

@description('managed: Azure Managed Redis (Microsoft.Cache/redisEnterprise), the default. classic: Azure Cache for Redis (Microsoft.Cache/redis), which Microsoft is retiring; only for subscriptions that still create it.')
@allowed([
  'managed'
  'classic'
])
param redisService string = 'managed'

@description('Azure Managed Redis size. Balanced_B0 = 0.5 GB, B1 = 1 GB, B3 = 3 GB, B5 = 6 GB.')
@allowed([
  'Balanced_B0'
  'Balanced_B1'
  'Balanced_B3'
  'Balanced_B5'
])
param managedRedisSku string = 'Balanced_B1'

// NoCluster: one Redis process, exactly the semantics the bot is tested against.
// EnterpriseCluster: one endpoint behind Redis Enterprise's proxy, so the plain redis-py client
// works; fine while the cache has one shard. Never OSSCluster: it needs a cluster-aware client,
// which the bot does not use. See deploy/README.md section 6.
@description('Azure Managed Redis clustering policy: NoCluster (default) or EnterpriseCluster. OSSCluster is not supported by the bot.')
@allowed([
  'NoCluster'
  'EnterpriseCluster'
])
param managedRedisClusteringPolicy string = 'NoCluster'

@description('Azure Managed Redis high availability (a replica on a second node). Disable only for a test cache.')
param managedRedisHighAvailability bool = true

@description('Azure Managed Redis: write an append-only file once a second, so a failure of both nodes loses at most about a second of writes.')
param managedRedisAof bool = false

@description('Only with redisService classic. Standard: primary and replica, no persistence. Premium: adds AOF persistence (a write every second) to a storage account.')
@allowed([
  'Standard'
  'Premium'
])
param redisSku string = 'Standard'

@description('Only with redisService classic. Cache size: 0-6 for Standard (C0-C6; 1 = 1 GB), 1-5 for Premium (P1-P5).')
@minValue(0)
@maxValue(6)
param redisCapacity int = 1

// --- Logs and alerts ------------------------------------------------------------------------

@description('Days the Log Analytics workspace keeps container logs (30-730). The bot\'s logs hold no names or idea text, but set this to your log retention rules.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('E-mail address that receives the alerts (readiness, throttling by Teams, secret expiry). Empty: the alerts still fire and show in the Azure portal, but notify no one.')
param alertEmail string = ''

@description('End date of the client secret (botAppPassword), yyyy-MM-dd, e.g. 2027-12-01: an alert fires every day from 30 days before. Empty: no expiry alert (use the check in deploy/README.md).')
param botSecretExpiresOn string = ''

// --- Derived names and values -----------------------------------------------------------------

var suffix = uniqueString(resourceGroup().id)
var appName = '${namePrefix}-bot'
var usesMsi = botAppType == 'UserAssignedMSI'
var usesRegistry = !empty(registryName)
var managedRedis = redisService == 'managed'
var premiumRedis = !managedRedis && redisSku == 'Premium'
var usesCustomDomain = !empty(customDomainName)
// A Container App's address is <app name>.<environment default domain>; computing it here
// lets the app know its own URL without a reference to itself.
var appFqdn = '${appName}.${containerEnv.properties.defaultDomain}'
var baseUrl = usesCustomDomain ? 'https://${customDomainName}' : 'https://${appFqdn}'
var tenantForBot = botAppType == 'MultiTenant' ? null : botTenantId
// AcrPull, a built-in role: its ID is the same in every tenant.
var acrPullRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
// Optional container secrets and variables, joined with the fixed ones below.
var passwordSecrets = usesMsi ? [] : [
  {
    name: 'microsoft-app-password'
    value: botAppPassword
  }
]
var passwordEnv = usesMsi ? [] : [
  {
    name: 'MicrosoftAppPassword'
    secretRef: 'microsoft-app-password'
  }
]
var pullIdentities = usesRegistry ? {
  '${pullIdentity.id}': {}
} : {}
var botIdentities = usesMsi ? {
  '${botIdentityResourceId}': {}
} : {}
var appIdentities = union(pullIdentities, botIdentities)
var alertActions = empty(alertEmail) ? [] : [
  alertGroup.id
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
    retentionInDays: logRetentionDays
  }
}

// --- Redis: Azure Managed Redis (default) ---------------------------------------------------------

// Azure Managed Redis: TLS only on port 10000; access keys (the bot's REDIS_URL) switched on
// explicitly, as new caches default to Entra ID authentication.
// https://learn.microsoft.com/azure/templates/microsoft.cache/redisenterprise/databases
// https://learn.microsoft.com/azure/redis/choose-clustering-policy
resource amr 'Microsoft.Cache/redisEnterprise@2025-07-01' = if (managedRedis) {
  name: '${namePrefix}-amr-${suffix}'
  location: location
  sku: {
    name: managedRedisSku
  }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: managedRedisHighAvailability ? 'Enabled' : 'Disabled'
    publicNetworkAccess: 'Enabled'
  }
}

resource amrDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = if (managedRedis) {
  parent: amr
  name: 'default' // Azure Managed Redis has exactly one database, named default
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: managedRedisClusteringPolicy
    // NoEviction: a full cache refuses writes instead of silently dropping sessions and votes
    // (the default, VolatileLRU, would evict exactly the keys with a retention TTL).
    evictionPolicy: 'NoEviction'
    accessKeysAuthentication: 'Enabled'
    persistence: managedRedisAof ? {
      aofEnabled: true
      aofFrequency: '1s'
    } : {
      aofEnabled: false
      rdbEnabled: false
    }
  }
}

// --- Redis: Azure Cache for Redis (classic, being retired) ----------------------------------------

// Only with classic Premium: the cache writes its append-only file here.
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

resource redis 'Microsoft.Cache/redis@2024-03-01' = if (!managedRedis) {
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
    redisConfiguration: premiumRedis ? {
      'maxmemory-policy': 'noeviction'
      'aof-backup-enabled': 'true'
      'aof-storage-connection-string-0': 'DefaultEndpointsProtocol=https;AccountName=${aofStorage.name};AccountKey=${aofStorage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
    } : {
      'maxmemory-policy': 'noeviction'
    }
  }
}

// The access key is base64 and may hold '/', '+' and '=': URL-encode it. ARM evaluates only
// the branch of the condition that applies, so the other cache's listKeys() is never called.
var amrUrl = 'rediss://:${uriComponent(amrDatabase.listKeys().primaryKey)}@${amr.properties.hostName}:10000/0'
var classicUrl = 'rediss://:${uriComponent(redis.listKeys().primaryKey)}@${redis.properties.hostName}:${redis.properties.sslPort}/0'
var redisUrl = managedRedis ? amrUrl : classicUrl

// --- Image pull with a managed identity -------------------------------------------------------------

// A user-assigned identity exists (with its role) before the app is created, so the first
// revision can already pull. https://learn.microsoft.com/azure/container-apps/managed-identity-image-pull
resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = if (usesRegistry) {
  name: registryName
}

resource pullIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = if (usesRegistry) {
  name: '${namePrefix}-pull-${suffix}'
  location: location
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (usesRegistry) {
  name: guid(resourceGroup().id, registryName, pullIdentity.id, acrPullRole)
  scope: registry
  properties: {
    roleDefinitionId: acrPullRole
    principalId: pullIdentity.properties.principalId
    principalType: 'ServicePrincipal'
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
  dependsOn: [
    acrPull
  ]
  identity: (usesRegistry || usesMsi) ? {
    type: 'UserAssigned'
    userAssignedIdentities: appIdentities
  } : {
    type: 'None'
  }
  properties: {
    managedEnvironmentId: containerEnv.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 3978 // the bot's only public port; metrics listen elsewhere, not exposed
        transport: 'auto'
        allowInsecure: false // Teams only calls https; http is redirected
        customDomains: usesCustomDomain ? [
          {
            name: customDomainName
            certificateId: customDomainCertificateId
            bindingType: 'SniEnabled'
          }
        ] : []
      }
      registries: usesRegistry ? [
        {
          server: registry.properties.loginServer
          identity: pullIdentity.id
        }
      ] : []
      // Secrets live in the Container App, not in its environment variables' plain values.
      // Changing one creates no new revision: restart the revision (deploy/README.md 2.6).
      secrets: concat([
        {
          name: 'digikok-secret'
          value: digikokSecret
        }
        {
          name: 'redis-url'
          value: redisUrl
        }
      ], passwordSecrets)
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
              // The bot listens on loopback unless told otherwise; ingress needs all interfaces.
              name: 'HOST'
              value: '0.0.0.0'
            }
            {
              name: 'PORT'
              value: '3978'
            }
          ], passwordEnv)
          // Probe limits (ContainerAppProbe in the Container Apps REST API): failureThreshold
          // 1-10 (default 3), periodSeconds 1-240 (default 10), timeoutSeconds 1-240,
          // initialDelaySeconds 1-60, successThreshold 1 for liveness and startup.
          // https://learn.microsoft.com/javascript/api/@azure/arm-appcontainers/containerappprobe
          // https://learn.microsoft.com/azure/container-apps/health-probes
          probes: [
            {
              // Startup: up to 3 + 10 x 10 s = 103 s to answer /healthz before a restart.
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: 3978
              }
              initialDelaySeconds: 3
              periodSeconds: 10
              timeoutSeconds: 5
              failureThreshold: 10
            }
            {
              // Liveness: the process answers. A Redis outage must not restart every replica.
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: 3978
              }
              periodSeconds: 30
              timeoutSeconds: 5
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
              timeoutSeconds: 5
              failureThreshold: 3
              successThreshold: 1
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
  location: botLocation
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
  location: botLocation
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      deploymentEnvironment: 'CommercialDeployment'
    }
  }
}

// --- Alerts -------------------------------------------------------------------------------------

resource alertGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-alerts-${suffix}'
  location: 'global'
  properties: {
    groupShortName: 'digikok'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// Readiness, seen from outside: Container Apps publishes no probe metric, so an availability
// test asks /readyz (200 only while the bot reaches Redis) every 5 minutes from three
// European locations. https://learn.microsoft.com/azure/azure-monitor/app/availability
resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource readyTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: '${namePrefix}-readyz-${suffix}'
  location: location
  kind: 'standard'
  tags: {
    'hidden-link:${insights.id}': 'Resource'
  }
  properties: {
    SyntheticMonitorId: '${namePrefix}-readyz-${suffix}'
    Name: 'Digikok /readyz'
    Kind: 'standard'
    Enabled: true
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [
      {
        Id: 'emea-nl-ams-azr' // West Europe
      }
      {
        Id: 'emea-gb-db3-azr' // North Europe
      }
      {
        Id: 'emea-fr-pra-edge' // France Central
      }
    ]
    Request: {
      RequestUrl: '${baseUrl}/readyz'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource readyAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-not-ready-${suffix}'
  location: 'global'
  properties: {
    description: 'Digikok /readyz failed from 2 of 3 locations: the bot is down or cannot reach Redis.'
    severity: 1
    enabled: true
    scopes: [
      readyTest.id
      insights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: readyTest.id
      componentId: insights.id
      failedLocationCount: 2
    }
    actions: [for group in alertActions: {
      actionGroupId: group
    }]
  }
}

// Teams throttling: the bot logs every retried Bot Connector call as "connector_retry" with
// its status (INFO). Many 429s in 15 minutes mean Teams is throttling this bot.
resource throttledAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${namePrefix}-teams-429-${suffix}'
  location: location
  properties: {
    displayName: 'Digikok: Teams throttles the bot (HTTP 429)'
    description: 'More than 20 Bot Connector calls answered 429 in 15 minutes (connector_retry log lines).'
    severity: 2
    enabled: true
    scopes: [
      logs.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'ContainerAppConsoleLogs_CL | where ContainerAppName_s == "${appName}" | where Log_s has "connector_retry" and Log_s has "\\"status\\": 429"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 20
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: alertActions
    }
  }
}

// The client secret's end date, checked once a day: fires from 30 days before it. The query
// reads no table; it only compares the date given at deployment with today.
resource secretExpiryAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = if (!empty(botSecretExpiresOn)) {
  name: '${namePrefix}-secret-expiry-${suffix}'
  location: location
  properties: {
    displayName: 'Digikok: the bot\'s client secret expires within 30 days'
    description: 'Rotate it: deploy/README.md section 2.6.'
    severity: 2
    enabled: true
    scopes: [
      logs.id
    ]
    evaluationFrequency: 'P1D'
    windowSize: 'P1D'
    criteria: {
      allOf: [
        {
          query: 'print daysLeft = datetime_diff("day", datetime(${botSecretExpiresOn}), now()) | where daysLeft < 30'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: alertActions
    }
  }
}

// --- Outputs (no secrets) ---------------------------------------------------------------------

@description('Set PUBLIC_BASE_URL to this when building the Teams package.')
output publicBaseUrl string = baseUrl

@description('The messaging endpoint registered on the Azure Bot.')
output messagingEndpoint string = '${baseUrl}/api/messages'

@description('The Container App\'s own host name (CNAME target for a custom domain).')
output containerAppFqdn string = appFqdn

output containerAppName string = app.name
output botResourceName string = bot.name
output redisName string = managedRedis ? amr.name : redis.name
output redisHostName string = managedRedis ? amr.properties.hostName : redis.properties.hostName
