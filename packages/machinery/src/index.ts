export { VersionTag, versionInfo, formatVersion } from './version.ts';
export type { VersionInfo } from './version.ts';
export { formatErrorChain } from './errors.ts';
export { PkiError, isPkiError } from './pki/pki-error.ts';
export type { PkiErrorCode } from './pki/pki-error.ts';
export { parsePemBlocks, pemBlock, encodePem, pemToBase64, base64ToPem } from './pki/pem.ts';
export type { PemBlock } from './pki/pem.ts';
export {
  generatePrivateKey,
  parsePrivateKeyPem,
  encodePrivateKeyPem,
  encodePublicKeyPem,
  algorithmOf,
  DefaultRsaBits,
} from './pki/keys.ts';
export type { KeyAlgorithm, PrivateKey } from './pki/keys.ts';
export {
  parseCertificatePem,
  parseCertificateBundlePem,
  certificateInfo,
  certificatePublicKeyHash,
  ExtKeyUsage,
} from './pki/certificate.ts';
export type { Certificate, CertificateInfo } from './pki/certificate.ts';
export {
  createSelfSignedCa,
  issueCertificate,
  issueCertificateAndKey,
  encodeCertificateAndKey,
  CaLifetimeMs,
  ClientCertificateLifetimeMs,
  NotBeforeSkewMs,
} from './pki/issue.ts';
export type { CertificateAndKey, CaOptions, LeafOptions, ValidityOptions, SubjectOptions } from './pki/issue.ts';
export { createCsr, parseCsrPem, signCsr } from './pki/csr.ts';
export type { CsrOptions, CertificateRequest, SignCsrOptions } from './pki/csr.ts';
export { verifyCertificate, keyMatchesCertificate, parseCertificateAndKey } from './pki/verify.ts';
export type { VerifyOptions } from './pki/verify.ts';
export {
  Role,
  AllRoles,
  RolePrefix,
  isRole,
  parseRoles,
  parseRolesStrict,
  rolesFromCertificate,
  hasAnyRole,
  RolesError,
  isRolesError,
} from './roles.ts';
export type { ParsedRoles } from './roles.ts';
export { OutputExistsError, isOutputExistsError, writeFileAtomic, writeFilesAtomic } from './secrets/output-files.ts';
export type { OutputFile, WriteOptions } from './secrets/output-files.ts';
export { generateSecretsBundle, issueClientCertificate, checkBundleCertificates } from './secrets/secrets-bundle.ts';
export type {
  SecretsBundle,
  PemPair,
  GenerateSecretsOptions,
  ClientCertificateOptions,
} from './secrets/secrets-bundle.ts';
export {
  parseSecretsBundle,
  serializeSecretsBundle,
  SecretsBundleError,
  isSecretsBundleError,
} from './secrets/bundle-codec.ts';
export { loadSecretsBundle, saveSecretsBundle } from './secrets/bundle-file.ts';
export { TokenPattern, generateToken } from './secrets/tokens.ts';
export { applyPatches, applyConfigPatches, loadPatches } from './patch/apply-patches.ts';
export type { LoadPatchOptions } from './patch/apply-patches.ts';
export { parsePatch } from './patch/patch-load.ts';
export type { ConfigPatch, StrategicPatch, JsonPatch, JsonPatchOperation, JsonPatchOp } from './patch/patch-types.ts';
export { PatchError, isPatchError, PatchErrorCode } from './patch/patch-error.ts';
export { strategicPatchBetween } from './patch/patch-between.ts';
export { diffConfigs } from './patch/config-diff.ts';
export type { ConfigDiffOptions } from './patch/config-diff.ts';
export { describeIdentity as describeDocumentIdentity } from './patch/identity.ts';
export type { DocumentIdentity } from './patch/identity.ts';
export {
  ClientConfigError,
  isClientConfigError,
  emptyClientConfig,
  currentContext,
} from './client-config/client-config.ts';
export type { ClientConfig, ClientContext } from './client-config/client-config.ts';
export { parseClientConfig, serializeClientConfig } from './client-config/codec.ts';
export { resolveClientConfigPath, loadClientConfig, saveClientConfig } from './client-config/client-config-file.ts';
export type { ClientConfigLocation, LoadClientConfigOptions } from './client-config/client-config-file.ts';
export {
  setEndpoints,
  setNodes,
  useContext,
  addContext,
  removeContext,
  mergeClientConfigs,
} from './client-config/edit.ts';
export type { MergeResult } from './client-config/edit.ts';
export { describeCurrentContext, formatContextInfo, formatContextsTable } from './client-config/info.ts';
export type { ClientContextInfo } from './client-config/info.ts';
export { loadConfig } from './config/load.ts';
export { parseGoDuration } from './config/go-duration.ts';
export type { LoadOptions as LoadConfigOptions, LoadResult as LoadConfigResult } from './config/load.ts';
export { ConfigBundle } from './config/bundle.ts';
export type { Location as ConfigLocation } from './config/bundle.ts';
export { V1Alpha1Kind, documentKey as configDocumentKey } from './config/document.ts';
export type { ConfigDocument } from './config/document.ts';
export { formatIssue as formatConfigIssue, formatPath as formatConfigPath } from './config/issue.ts';
export type {
  ConfigIssue,
  ConfigPath,
  DocumentRef as ConfigDocumentRef,
  IssueCode as ConfigIssueCode,
  ValidationResult,
} from './config/issue.ts';
export { validateConfig } from './config/validate/validate.ts';
export type { ValidateOptions } from './config/validate/validate.ts';
export { validationModes, isValidationMode } from './config/validate/mode.ts';
export type { ValidationMode } from './config/validate/mode.ts';
export { encodeConfig, editConfig } from './config/edit.ts';
export type { ConfigEdit } from './config/edit.ts';
export { v1alpha1Schema } from './config/v1alpha1/config.ts';
export type { V1Alpha1Config, MachineConfig, ClusterConfig } from './config/v1alpha1/config.ts';
export { KindRegistry, configKinds } from './config/kinds/registry.ts';
export { defineKind } from './config/kinds/kind.ts';
export type { KindDefinition } from './config/kinds/kind.ts';
export { HostnameConfigKind, ResolverConfigKind, TimeSyncConfigKind } from './config/kinds/network-kinds.ts';
export type { HostnameConfig, ResolverConfig, TimeSyncConfig } from './config/kinds/network-kinds.ts';
export { SysctlConfigKind, EnvironmentConfigKind } from './config/kinds/runtime-kinds.ts';
export type { SysctlConfig, EnvironmentConfig } from './config/kinds/runtime-kinds.ts';
export { DiscoveryServiceConfigKind, DiscoveryIdentityConfigKind } from './config/kinds/discovery-kinds.ts';
export type { DiscoveryServiceConfig, DiscoveryIdentityConfig } from './config/kinds/discovery-kinds.ts';
export { RegistryMirrorConfigKind } from './config/kinds/registry-kinds.ts';
export type { RegistryMirrorConfig } from './config/kinds/registry-kinds.ts';
export {
  VolumeConfigKind,
  FilesystemTrimConfigKind,
  UnattendedInstallConfigKind,
  SecurityProfileConfigKind,
  KubePrismConfigKind,
} from './config/kinds/system-kinds.ts';
export type { VolumeConfig, UnattendedInstallConfig } from './config/kinds/system-kinds.ts';
export type { SchemaNode, Schema, Infer } from './config/schema/builder.ts';
export { generateConfigs, machineConfig } from './generate/generate-configs.ts';
export type { GenerateConfigOptions, GeneratedConfigs } from './generate/generate-configs.ts';
export { writeGeneratedConfigs, genConfig, parseOutputTypes, OutputTypes } from './generate/write-configs.ts';
export type { OutputType, WriteConfigsOptions, WriteConfigsResult } from './generate/write-configs.ts';
export { GenerateError, isGenerateError } from './generate/generate-error.ts';
export { parseClusterEndpoint, checkClusterName } from './generate/endpoint.ts';
export type { ClusterEndpoint } from './generate/endpoint.ts';
export {
  DefaultTalosVersion,
  DefaultKubernetesVersion,
  DefaultInstallDisk,
  DefaultInstallImage,
  DefaultDnsDomain,
  kubernetesImages,
} from './generate/versions.ts';
// The API: the Talos-compatible protos as generated modules (one namespace per proto file), and the
// gRPC plumbing that serves and calls them (src/api, see docs/ARCHITECTURE.md).
export * as commonApi from './api/gen/common/common_pb.ts';
export * as machineApi from './api/gen/machine/machine_pb.ts';
export * as securityApi from './api/gen/security/security_pb.ts';
export * as clusterApi from './api/gen/cluster/cluster_pb.ts';
export * as inspectApi from './api/gen/inspect/inspect_pb.ts';
export * as cosiResourceApi from './api/gen/cosi/resource_pb.ts';
export * as cosiStateApi from './api/gen/cosi/state_pb.ts';
export * as cosiMetaApi from './api/gen/cosi/meta_pb.ts';
export * as rpcStatusApi from './api/gen/google/rpc/status_pb.ts';
export {
  create as createMessage,
  toBinary as messageToBinary,
  fromBinary as messageFromBinary,
  toJson as messageToJson,
} from '@bufbuild/protobuf';
export { anyPack, anyUnpack, EmptySchema } from '@bufbuild/protobuf/wkt';
export {
  ApiError,
  ApiErrorCodes,
  isApiError,
  apiErrorCodeOf,
  serverStatusOf,
  apiErrorFromStatus,
} from './api/api-error.ts';
export type { ApiErrorCode } from './api/api-error.ts';
export { grpcServiceDefinition, methodDefinition, methodPath, MaxMessageBytes } from './api/service-definition.ts';
export type { MethodsOf } from './api/service-definition.ts';
export { implementService, addService } from './api/service-handlers.ts';
export type {
  CallContext,
  MethodHandler,
  ServiceHandlers,
  HandlersOf,
  ServiceImplementation,
} from './api/service-handlers.ts';
export { dial, createClient } from './api/service-client.ts';
export type { CallOptions, ClientMethod, ServiceClient, ClientOf, DialOptions } from './api/service-client.ts';
export {
  normalizeFingerprint,
  pinnedChannelCredentials,
  FingerprintMismatchError,
  isFingerprintMismatchError,
} from './client/cert-pin.ts';
export { createApiServer, listenApiServer, stopApiServer } from './api/api-server.ts';
export {
  MutualTlsServerCredentials,
  mutualTlsServerCredentials,
  mutualTlsChannelCredentials,
  peerIdentityOf,
} from './api/mutual-tls.ts';
export type { TlsMaterial, ServerTlsOptions, PeerIdentity } from './api/mutual-tls.ts';
export {
  NodeMetadataKey,
  NodesMetadataKey,
  RoleMetadataKey,
  ProxyFromMetadataKey,
  callRouteOf,
  nodeMetadata,
  nodesMetadata,
} from './api/routing-metadata.ts';
export type { CallRoute } from './api/routing-metadata.ts';
export { secretsBundleFromControlPlaneConfig } from './secrets/bundle-from-config.ts';
export {
  AuthzRole,
  AuthzRules,
  FallbackRoles,
  authorize,
  assertAuthorized,
  authzRuleOf,
  canReadSensitive,
} from './api/authz-rules.ts';
export type { AuthzRule, AuthzDecision, AuthorizeOptions } from './api/authz-rules.ts';
// The machine API client: one mTLS connection to the endpoints, calls fanned out to nodes.
export { DefaultApiPort, parseEndpoint } from './client/endpoints.ts';
export type { Endpoint } from './client/endpoints.ts';
export { resolveClientTarget, splitList } from './client/client-target.ts';
export type { ClientTarget, ClientTlsMaterial, TargetOverrides } from './client/client-target.ts';
export { ConnectionError, isConnectionError } from './client/connection-error.ts';
export type { EndpointFailure } from './client/connection-error.ts';
export { diagnoseEndpoint, explainConnectError } from './client/diagnose.ts';
export { connectApi, insecureChannelCredentials } from './client/api-connection.ts';
export type { ApiConnection, ConnectOptions } from './client/api-connection.ts';
export { fanOut, nodeTargets, replyMessages, replyError } from './client/fan-out.ts';
export type { NodeTarget, NodeResult } from './client/fan-out.ts';
export { mergeNodeStreams } from './client/merge-streams.ts';
export { openNodeClient, openInsecureNodeClient, nodeClientOf } from './client/node-client.ts';
export type { NodeClient } from './client/node-client.ts';
export { decodeResource, ResourceDefinitionType, MetaNamespace } from './client/remote-resource.ts';
export type { RemoteResource, RemoteResourceMetadata } from './client/remote-resource.ts';
export {
  definitionOf,
  findDefinition,
  printedColumns,
  listDefinitions,
  resolveDefinition,
} from './client/resource-definitions.ts';
export type { RemoteDefinition } from './client/resource-definitions.ts';
export { timestampDate, timestampFromDate, durationFromMs, durationMs } from '@bufbuild/protobuf/wkt';
export type { Timestamp } from '@bufbuild/protobuf/wkt';
export { extractTarGz, safeEntryPath, ArchiveError, isArchiveError } from './client/tar-extract.ts';
export { waitHealthy, defaultHealthChecks } from './health/wait-healthy.ts';
export type { HealthCheck, HealthProgress, WaitHealthyOptions } from './health/wait-healthy.ts';
export type { HealthClient, HealthNodes, CheckContext } from './health/health-client.ts';
export { HealthCheckError, isHealthCheckError } from './health/health-error.ts';
export { learnNodeRoles } from './health/node-roles.ts';
export { memberProblems } from './health/etcd-checks.ts';
export { compileJsonPath, formatColumnValue } from '@bronze/runtime';
export {
  adminKubeconfig,
  DefaultAdminCertLifetimeMs,
  KubeconfigError,
  isKubeconfigError,
} from './kubernetes/admin-kubeconfig.ts';
export type { AdminKubeconfigOptions } from './kubernetes/admin-kubeconfig.ts';
export { mergeKubeconfig } from './kubernetes/kubeconfig-merge.ts';
export type { MergeResult as KubeconfigMergeResult } from './kubernetes/kubeconfig-merge.ts';
export {
  KubernetesPkiError,
  isKubernetesPkiError,
  kubernetesRootSecretsOf,
} from './kubernetes/kubernetes-root-secrets.ts';
export type { KubernetesRootSecrets } from './kubernetes/kubernetes-root-secrets.ts';
export {
  issueKubernetesSecrets,
  apiServerNames,
  KubernetesCertLifetimeMs,
  KubernetesSecretFile,
} from './kubernetes/kubernetes-secrets.ts';
export type { KubernetesSecretFiles, KubernetesSecretsOptions } from './kubernetes/kubernetes-secrets.ts';
export { componentKubeconfig } from './kubernetes/component-kubeconfig.ts';
export { apiServerConfigFiles, ApiServerConfigFile, DefaultAuditPolicy } from './kubernetes/api-server-files.ts';
export type { AdmissionPlugin } from './kubernetes/api-server-files.ts';
export { kubeletBootstrapKubeconfig, KubeletBootstrapUser } from './kubernetes/kubelet-bootstrap-kubeconfig.ts';
export type { ComponentKubeconfigOptions } from './kubernetes/component-kubeconfig.ts';
export { encryptionConfig } from './kubernetes/encryption-config.ts';
export { firstServiceIp } from './kubernetes/service-ip.ts';
export { apiServerConfigOf, controllerManagerConfigOf, schedulerConfigOf } from './kubernetes/control-plane-config.ts';
export type {
  APIServerConfigSpec,
  ControllerManagerConfigSpec,
  SchedulerConfigSpec,
  ComponentConfig,
  ExtraVolume,
} from './kubernetes/control-plane-config.ts';
export {
  apiServerPod,
  controllerManagerPod,
  schedulerPod,
  componentArgs,
  staticPodYaml,
  KubernetesSecretsMountPath,
  ApiServerConfigMountPath,
  AuditLogMountPath,
} from './kubernetes/static-pods.ts';
export type { PodManifest, RenderOptions as StaticPodRenderOptions } from './kubernetes/static-pods.ts';
export { KubeClient, DefaultFieldManager } from './kubernetes/k8s-client.ts';
export type {
  KubeObject,
  KubeObjectRef,
  KubeCallOptions,
  KubeListOptions,
  KubeApplyOptions,
} from './kubernetes/k8s-client.ts';
export { KubeApiError, isKubeApiError } from './kubernetes/k8s-client-error.ts';
export {
  kubeEndpointFromKubeconfig,
  KubeconfigReadError,
  isKubeconfigReadError,
} from './kubernetes/k8s-client-kubeconfig.ts';
export type { KubeEndpoint } from './kubernetes/k8s-client-kubeconfig.ts';
export type { KubeResource } from './kubernetes/k8s-client-discovery.ts';
export { bootstrapManifests, manifestYaml } from './kubernetes/manifests-bootstrap.ts';
export { ManifestDocumentError, parseManifestObjects } from './kubernetes/manifest-documents.ts';
export { registryHostFiles, registryHostsDir } from './kubernetes/registry-hosts.ts';
export type { RegistryAuth, RegistryHostFiles } from './kubernetes/registry-hosts.ts';
export type { BootstrapManifest } from './kubernetes/manifests-bootstrap.ts';
export {
  manifestInputFromConfig,
  nthAddress,
  ManifestInputError,
  isManifestInputError,
  KubernetesVersion,
} from './kubernetes/manifests-input.ts';
export type { ManifestInput } from './kubernetes/manifests-input.ts';
export { flannelCniConflist, FlannelCniConfPath } from './kubernetes/manifests-flannel.ts';
export {
  kubernetesHealthChecks,
  clusterHealthChecks,
  nodeKubeSource,
  kubeconfigFromNode,
  kubeconfigFromTarGz,
  runsKubernetes,
} from './kubernetes/k8s-health-checks.ts';
export type { KubeClientSource } from './kubernetes/k8s-health-checks.ts';
export { ControlPlaneComponents } from './kubernetes/k8s-health.ts';
export type { KubeReader, KubeCheckContext } from './kubernetes/k8s-health.ts';
