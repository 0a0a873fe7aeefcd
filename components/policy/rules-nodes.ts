// Machine rules for the stateful nodes (etcd members and masters): no public address, protection
// in production, HOST-level spread placement of etcd members, and an odd etcd member count.

import { Inventory, isStateful, PolicyConfig, PolicyResource, TYPES, undecided, UNKNOWN, Violation, violation } from "./inventory";

/** Rule 1: etcd members and masters get no public IP, neither allocated nor through an EIP association. */
export function noPublicIpOnStatefulNodes(resources: readonly PolicyResource[], _config?: PolicyConfig): Violation[] {
    const inv = new Inventory(resources);
    const policy = "no-public-ip-on-stateful-nodes";
    const out: Violation[] = [];
    const stateful = inv.ofType(TYPES.instance).filter(isStateful);
    for (const i of stateful) {
        const fix = "set allocatePublicIp: false and reach the machine through the bastion";
        if (i.props.allocatePublicIp === true) {
            out.push(violation(policy, i, "allocatePublicIp", true, "an etcd member or master must not have a public IP", fix));
        } else if (i.props.allocatePublicIp === UNKNOWN) {
            out.push(undecided(policy, i, "allocatePublicIp", "cannot tell whether the etcd member or master gets a public IP", fix));
        }
    }
    const addresses = new Map(stateful.filter((i) => typeof i.props.privateIp === "string" && i.props.privateIp !== UNKNOWN).map((i) => [i.props.privateIp as string, i]));
    for (const a of inv.ofType(TYPES.eipAssociation)) {
        const fix = "remove the EIP association (only the bastion gets an EIP)";
        if (a.props.instanceId !== undefined) {
            const target = inv.resolve(a, "instanceId", a.props.instanceId, TYPES.instance);
            if (target === UNKNOWN) {
                out.push(undecided(policy, a, "instanceId", "cannot tell which machine the EIP goes to", fix));
            } else if ("urn" in target && isStateful(target)) {
                out.push(violation(policy, a, "instanceId", a.props.instanceId, `the EIP goes to ${target.name}, an etcd member or master`, fix));
            }
        }
        const target = typeof a.props.privateIp === "string" ? addresses.get(a.props.privateIp) : undefined;
        if (target) {
            out.push(violation(policy, a, "privateIp", a.props.privateIp, `the EIP goes to ${target.name}, an etcd member or master`, fix));
        }
    }
    return out;
}

/** Rule 4: in production, etcd members and masters are protected from `pulumi destroy` and from termination. */
export function statefulNodesProtected(resources: readonly PolicyResource[], config: PolicyConfig): Violation[] {
    if (!config.production) {
        return [];
    }
    const policy = "stateful-nodes-protected";
    return new Inventory(resources).ofType(TYPES.instance).filter(isStateful).flatMap((i) => [
        ...(i.protect === true ? [] : [violation(policy, i, "protect (resource option)", i.protect, "a production etcd member or master can be deleted by `pulumi destroy` or a replacement",
            "register it with { protect: true } (the production profile does)")]),
        ...(i.props.disableApiTermination === true ? [] : [violation(policy, i, "disableApiTermination", i.props.disableApiTermination,
            "a production etcd member or master can be terminated through the console or API", "set disableApiTermination: true")]),
    ]);
}

/**
 * Rule 5: every etcd member sits in a spread placement group of this stack (HOST, SW or RACK:
 * one instance per switch or rack is also one per host), and no group lets one host, switch or
 * rack hold enough of the members to break quorum (`affinity`, default 1, below that number).
 */
export function etcdInHostPlacementGroups(resources: readonly PolicyResource[], _config?: PolicyConfig): Violation[] {
    const inv = new Inventory(resources);
    const policy = "etcd-spread-placement";
    const out: Violation[] = [];
    const groups = new Map<string, { group: PolicyResource; members: string[] }>();
    const members = [...inv.etcdMembers().values()].flat();
    const breaking = members.length - (Math.floor(members.length / 2) + 1) + 1;
    for (const i of members) {
        const list = i.props.disasterRecoverGroupIds;
        const [prop, refs] = Array.isArray(list) && list.length > 0 ? ["disasterRecoverGroupIds", list] : list === UNKNOWN ? ["disasterRecoverGroupIds", [UNKNOWN]] : ["placementGroupId", [i.props.placementGroupId]];
        const fix = "launch the member into a PlacementGroup of this stack of type HOST, SW or RACK with affinity 1 (placementGroupId)";
        for (const v of refs as unknown[]) {
            const ref = v === undefined || v === "" ? undefined : inv.resolve(i, prop, v, TYPES.placementGroup);
            if (ref === undefined) {
                out.push(violation(policy, i, prop, v, "the etcd member is in no placement group, so several members may share a host", fix));
            } else if (ref === UNKNOWN) {
                out.push(undecided(policy, i, prop, "cannot tell which placement group the etcd member is in", fix));
            } else if (!("urn" in ref)) {
                out.push(violation(policy, i, prop, v, "the placement group is not in this stack, so its level cannot be checked", fix));
            } else {
                const entry = groups.get(ref.urn) ?? { group: ref, members: [] };
                groups.set(ref.urn, { ...entry, members: [...entry.members, i.name] });
            }
        }
    }
    for (const { group, members: held } of groups.values()) {
        const type = group.props.type;
        const affinity = typeof group.props.affinity === "number" ? group.props.affinity : 1;
        if (!["HOST", "SW", "RACK"].includes(type)) {
            out.push(violation(policy, group, "type", type, `the group holds etcd member(s) ${held.join(", ")} but is not a HOST, SW or RACK spread group`,
                "set type: \"HOST\" (placement.level in the stack)"));
        } else if (breaking > 1 && held.length >= breaking && affinity >= breaking) {
            out.push(violation(policy, group, "affinity", affinity, `one ${type === "HOST" ? "host" : type === "SW" ? "switch" : "rack"} may hold ${affinity} of the ` +
                `${held.length} etcd members in it (${held.join(", ")}), and losing ${breaking} of ${members.length} breaks quorum`, `use affinity ${breaking - 1} (placement.affinity in the stack)`));
        }
    }
    return out;
}

/** Rule 6: an odd number of etcd members: at least 3 in production, 1 only outside production. */
export function etcdOddSize(resources: readonly PolicyResource[], config: PolicyConfig): Violation[] {
    const out: Violation[] = [];
    for (const [cluster, members] of new Inventory(resources).etcdMembers()) {
        const n = members.length;
        const ok = n % 2 === 1 && (n >= 3 || !config.production);
        if (!ok) {
            const why = n % 2 === 0
                ? `an even member count tolerates no more failures than ${n - 1} members (${members.map((m) => m.name).join(", ")})`
                : "a single member survives no failure, which production does not allow";
            out.push(violation("etcd-odd-size", { name: `cluster ${cluster}`, urn: members[0].urn }, "etcd member count", n, why,
                "run 3 or 5 etcd members (etcd.members for external etcd, controlPlane.count for stacked etcd)"));
        }
    }
    return out;
}
