// Public surface of the library (what `import ... from "kubeadm-ha-tencentcloud"` gives): the pure
// planning layer (also `kubeadm-ha-tencentcloud/plan`, which loads without Pulumi) and the
// components. The Pulumi program in ../index.ts is separate and not part of the package.

export * from "./plan-api";

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
export { readDeployedSnapshot, SNAPSHOT_OUTPUT } from "./deployed-snapshot";
export type { DeployedSnapshotOptions } from "./deployed-snapshot";
