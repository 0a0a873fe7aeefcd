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
