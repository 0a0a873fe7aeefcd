// config -> validate -> topology -> fault tolerance -> gate: the whole offline plan of a cluster.

import { Issue, ValidationError, Warning } from "./errors";
import { analyseFaultTolerance, DomainReport } from "./fault-tolerance";
import { gate } from "./gate";
import type { ClusterSpec } from "./spec";
import { planTopology, PlannedEndpoint, PlannedNode, PlannedPlacementGroup } from "./topology";
import { validateCluster, ValidateOptions } from "./validate";

export interface ClusterPlan {
    readonly cluster: {
        readonly name: string;
        readonly profile: ClusterSpec["profile"];
        readonly region: string;
        readonly kubernetesVersion: string;
        readonly etcdTopology: ClusterSpec["etcd"]["topology"];
        readonly placement: ClusterSpec["placement"];
    };
    readonly endpoint: PlannedEndpoint;
    readonly nodes: readonly PlannedNode[];
    readonly placementGroups: readonly PlannedPlacementGroup[];
    readonly faultTolerance: readonly DomainReport[];
    readonly warnings: readonly Warning[];
}

/** Plans a validated spec. Throws a ValidationError when the profile refuses the layout. */
export function planCluster(spec: ClusterSpec, earlierWarnings: readonly Issue[] = []): ClusterPlan {
    const topology = planTopology(spec);
    const faultTolerance = analyseFaultTolerance(spec, topology);
    const { refusals, warnings } = gate(faultTolerance, spec);
    if (refusals.length > 0) {
        throw new ValidationError(refusals, `layout for the ${spec.profile} profile`);
    }
    return {
        cluster: {
            name: spec.name, profile: spec.profile, region: spec.region, kubernetesVersion: spec.kubernetes.version,
            etcdTopology: spec.etcd.topology, placement: spec.placement,
        },
        endpoint: topology.endpoint,
        nodes: topology.nodes,
        placementGroups: topology.placementGroups,
        faultTolerance,
        warnings: [...earlierWarnings, ...warnings],
    };
}

/** Validates the raw `kubeadm-ha:cluster` value and plans it. Throws one ValidationError on bad input. */
export function planFromConfig(raw: unknown, options: ValidateOptions = {}): { spec: ClusterSpec; plan: ClusterPlan } {
    const { spec, warnings } = validateCluster(raw, options);
    return { spec, plan: planCluster(spec, warnings) };
}
