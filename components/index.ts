// Public surface of the library (what `import ... from "kubeadm-ha-tencentcloud"` gives).
// The Pulumi program in ../index.ts is separate and not part of the package.

export { ValidationError, formatIssue } from "./plan/errors";
export type { Issue, Warning } from "./plan/errors";
export { ClusterConfigSchema } from "./plan/schema";
export type { ClusterConfig, ClusterConfigInput } from "./plan/schema";
export type { ClusterSpec, EndpointKind, EndpointSpec, PlacementLevel, PoolSpec, Profile, Role } from "./plan/spec";
export { validateCluster } from "./plan/validate";
export type { Validated, ValidateOptions } from "./plan/validate";
export { planTopology } from "./plan/topology";
export type { PlannedEndpoint, PlannedNode, PlannedPlacementGroup, Topology } from "./plan/topology";
export { analyseFaultTolerance } from "./plan/fault-tolerance";
export type { Domain, DomainReport, RoleLoss } from "./plan/fault-tolerance";
export { planCluster, planFromConfig } from "./plan/plan";
export type { ClusterPlan } from "./plan/plan";
export { CLUSTER_KEY, PROJECT, planStackFile } from "./plan/stack-file";
export { faultToleranceTable, renderPlanReport } from "./plan/report";
export { DEFAULT_KUBERNETES_VERSION, KUBERNETES_MINORS } from "./plan/versions";
export { checkChange, enforceChangeGuard, guardSnapshot, parseGuardSnapshot } from "./plan/change-guard";
export { parseRollOut, rollOutPlan } from "./plan/roll-out";
export type { GuardNode, GuardResult, GuardSnapshot, NodeChange } from "./plan/change-guard";

// Components: the Pulumi layer.
export { KubeadmCluster } from "./kubeadm-cluster";
export type { KubeadmClusterArgs } from "./kubeadm-cluster";
export { ClusterPki } from "./cluster-pki";
export type { ClusterPkiArgs } from "./cluster-pki";
export { ClusterNetwork } from "./cluster-network";
export type { ClusterNetworkArgs } from "./cluster-network";
export { PlacementGroups } from "./placement-groups";
export type { PlacementGroupsArgs } from "./placement-groups";
export { Bastion } from "./bastion";
export type { BastionArgs } from "./bastion";
export { EtcdCluster } from "./etcd-cluster";
export type { EtcdClusterArgs } from "./etcd-cluster";
export { EtcdBackup } from "./etcd-backup";
export type { EtcdBackupArgs } from "./etcd-backup";
export { ControlPlane } from "./control-plane";
export type { ControlPlaneArgs } from "./control-plane";
export { WorkerPool } from "./worker-pool";
export type { WorkerPoolArgs } from "./worker-pool";
export { ApiEndpoint } from "./api-endpoint";
export type { ApiEndpointArgs } from "./api-endpoint";
export { ClusterJoin } from "./cluster-join";
export type { ClusterJoinArgs } from "./cluster-join";
export { KubernetesAddons } from "./kubernetes-addons";
export type { KubernetesAddonsArgs } from "./kubernetes-addons";
export type { InstanceSettings } from "./cluster-instance";
export { renderCluster, renderNode } from "./render/node";
export type { NodeBundle } from "./render/node";
export { renderContext } from "./render/context";
export { ingressRules, securityRoles } from "./plan/security";
export { caCertHash } from "./render/ca-hash";
export { backupLifecycleRules, backupPolicyDocument, cvmTrustDocument } from "./render/backup-bucket";
export { etcdBackupSshFiles, etcdRestoreArgs, rcloneConfig, ENABLE_BACKUPS_COMMAND } from "./render/etcd-backup";
export type { BackupSecrets, BackupStorage } from "./render/etcd-backup";
export { secretInstallScript } from "./render/secret-bundle";
