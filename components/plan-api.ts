// The pure half of the library (`kubeadm-ha-tencentcloud/plan`): validation, planning, rendering,
// the change guard and the policy rules. It loads without any Pulumi SDK: nothing here imports
// @pulumi/* (lint-enforced for plan/, render/ and policy/; test/package.test.ts loads it with every
// @pulumi module refused).

export { ValidationError, formatIssue } from "./plan/errors";
export type { Issue, Warning } from "./plan/errors";
export type { ClusterConfig, ClusterConfigInput } from "./plan/config-types";
export type { ProgramKey } from "./plan/stack-file";
export type { ClusterSpec, EndpointKind, EndpointSpec, LbTier, PlacementLevel, PoolSpec, Profile, Role } from "./plan/spec";
export { validateCluster } from "./plan/validate";
export type { Validated, ValidateOptions } from "./plan/validate";
export { planTopology } from "./plan/topology";
export type { PlannedEndpoint, PlannedNode, PlannedPlacementGroup, Topology } from "./plan/topology";
export { analyseFaultTolerance } from "./plan/fault-tolerance";
export type { Cause, Domain, DomainReport, RoleLoss } from "./plan/fault-tolerance";
export { planCluster, planFromConfig } from "./plan/plan";
export type { ClusterPlan } from "./plan/plan";
export { CLUSTER_KEY, PROGRAM_KEYS, PROJECT, planStackFile } from "./plan/stack-file";
export { faultToleranceTable, renderPlanReport } from "./plan/report";
export { DEFAULT_KUBERNETES_VERSION, KUBERNETES_MINORS } from "./plan/versions";
export type { KubernetesVersion } from "./plan/versions";
export { checkChange, enforceChangeGuard, guardSnapshot, parseGuardSnapshot } from "./plan/change-guard";
export { parseRollOut, rollOutPlan } from "./plan/roll-out";
export type { HeldBack, RolledOut } from "./plan/roll-out";
export type { Effect } from "./plan/change-rules";
export { describeSteps, upgradeSteps } from "./plan/upgrade";
export type { UpgradeStep, VersionChange } from "./plan/upgrade";
export type { GuardNode, GuardResult, GuardSnapshot, NodeChange } from "./plan/change-guard";
export { renderCluster, renderNode } from "./render/node";
export type { NodeBundle } from "./render/node";
export type { NodeFile } from "./render/node-file";
export type { HostKey } from "./render/cloud-init";
export type { KubeadmSecrets } from "./render/kubeadm-secrets";
export type { ControlPlanePki, EtcdMemberPki } from "./render/pki-files";
export { renderContext } from "./render/context";
export type { ApiHealth, LeaderElection, RenderContext, RenderOptions, Timers } from "./render/context";
export { egressRules, ingressRules, securityRoles } from "./plan/security";
export type { EgressRule, Rule, SecurityRole } from "./plan/security";
export { caCertHash } from "./render/ca-hash";
export { backupLifecycleRules, backupPolicyDocument, cvmTrustDocument } from "./render/backup-bucket";
export type { LifecycleRule } from "./render/backup-bucket";
export { etcdBackupSshFiles, etcdRestoreArgs, rcloneConfig, ENABLE_BACKUPS_COMMAND } from "./render/etcd-backup";
export type { BackupSecrets, BackupStorage } from "./render/etcd-backup";
export { secretInstallScript } from "./render/secret-bundle";
export { ALL_RULES, checkAll, DEFAULT_CONFIG as DEFAULT_POLICY_CONFIG } from "./policy/rules";
export type { PolicyConfig, PolicyResource, PolicyRule, Violation } from "./policy/rules";
