// The policy rules' view of a stack: a flat list of resources (from CrossGuard or from the
// mock recorder), with the lookups every rule shares: references between resources (by provider
// id, else by the property's dependencies while ids are unknown during preview), machine roles
// from the `kubeadm-ha/role` tag or the `<cluster>-<role>-<ordinal>` naming contract, and the
// etcd members of each cluster (the masters when no machine has the etcd role: stacked etcd).

/** Resource type tokens the rules read. */
export const TYPES = {
    instance: "tencentcloud:index/instance:Instance",
    eipAssociation: "tencentcloud:index/eipAssociation:EipAssociation",
    placementGroup: "tencentcloud:index/placementGroup:PlacementGroup",
    securityGroup: "tencentcloud:index/securityGroup:SecurityGroup",
    securityGroupRuleSet: "tencentcloud:index/securityGroupRuleSet:SecurityGroupRuleSet",
    cosBucket: "tencentcloud:index/cosBucket:CosBucket",
} as const;

/** Stands for a value that is not known yet (during a preview, before the resource exists). */
export const UNKNOWN = "<unknown during preview>";

/** One resource as the policy rules see it. */
export interface PolicyResource {
    /** Type token, e.g. `tencentcloud:index/instance:Instance`. */
    readonly type: string;
    /** Pulumi resource name. */
    readonly name: string;
    readonly urn: string;
    /** Properties (inputs, or outputs once known); values not yet known are {@link UNKNOWN}. */
    readonly props: Readonly<Record<string, any>>;
    /** The `protect` resource option. */
    readonly protect: boolean;
    readonly parentUrn?: string;
    /** Provider id, when known: other resources refer to this resource by it. */
    readonly id?: string;
    /** URNs each top-level property depends on: resolves references whose ids are still unknown. */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** Policy configuration shared by the rules. */
export interface PolicyConfig {
    /** The stack is the production profile: stateful machines must be protected and etcd must tolerate a failure. */
    readonly production: boolean;
}

/** One broken rule: which resource, which property, the bad value and how to fix it. */
export interface Violation {
    /** Name of the rule (policy) that found it. */
    readonly policy: string;
    /** Name of the offending resource (or cluster, for cluster-wide rules). */
    readonly resource: string;
    /** URN of the offending resource, when there is one. */
    readonly urn?: string;
    /** Property path, e.g. `ingresses[3].cidrBlock`, or a resource option such as `protect`. */
    readonly property: string;
    /** The bad value, rendered. */
    readonly value: string;
    /** What to change. */
    readonly fix: string;
    /** One line naming resource, property, value and fix. */
    readonly message: string;
    /** True when the property is unknown during preview, so the rule could not decide. */
    readonly unknown?: boolean;
}

/** Builds a violation with its message. */
export function violation(policy: string, r: { name: string; urn?: string }, property: string, value: unknown, why: string, fix: string): Violation {
    const shown = render(value);
    return { policy, resource: r.name, ...(r.urn ? { urn: r.urn } : {}), property, value: shown, fix, message: `${r.name}: ${property} is ${shown}: ${why}. Fix: ${fix}` };
}

/** A property the rule needs but that is unknown during preview, so the rule cannot decide. */
export function undecided(policy: string, r: { name: string; urn?: string }, property: string, why: string, fix: string): Violation {
    return { ...violation(policy, r, property, UNKNOWN, why, fix), unknown: true };
}

/** A value as it appears in messages. */
export function render(value: unknown): string {
    return value === undefined ? "unset" : value === UNKNOWN ? UNKNOWN : JSON.stringify(value);
}

/** Machine roles the rules care about (workers and LB machines are `other`). */
export type MachineRole = "etcd" | "master" | "bastion" | "other";

const ROLE_TAG = "kubeadm-ha/role";
const CLUSTER_TAG = "kubeadm-ha/cluster";
const NAME_RE = /^(.+)-(etcd|master|bastion)-\d+$/;

/** A resource reference: the resource it names, an id outside the stack, or unknown. */
export type Ref = PolicyResource | { readonly external: string } | typeof UNKNOWN;

/** The resources of a stack with the lookups the rules share. */
export class Inventory {
    private readonly byUrn: Map<string, PolicyResource>;
    private readonly byId: Map<string, PolicyResource>;

    constructor(readonly resources: readonly PolicyResource[]) {
        this.byUrn = new Map(resources.map((r) => [r.urn, r]));
        this.byId = new Map(resources.filter((r) => typeof r.id === "string" && r.id !== UNKNOWN).map((r) => [r.id!, r]));
    }

    ofType(type: string): PolicyResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** Resolves `value`, found in (an element of) `r.props[prop]`, to a resource of `type`. */
    resolve(r: PolicyResource, prop: string, value: unknown, type: string): Ref {
        if (typeof value === "string" && value !== UNKNOWN) {
            const hit = this.byId.get(value);
            return hit && hit.type === type ? hit : { external: value };
        }
        const candidates = this.dependencies(r, prop, type);
        return candidates.length === 1 ? candidates[0] : UNKNOWN;
    }

    /** Resources of `type` that `r.props[prop]` depends on. */
    dependencies(r: PolicyResource, prop: string, type: string): PolicyResource[] {
        return (r.propertyDependencies?.[prop] ?? []).map((u) => this.byUrn.get(u)).filter((d): d is PolicyResource => d?.type === type);
    }

    /** Stable key of a reference (URN, or the external id), for comparing references. */
    static key(ref: Ref): string {
        return ref === UNKNOWN ? UNKNOWN : "urn" in ref ? ref.urn : `id:${ref.external}`;
    }

    /** Keys of the security groups an instance uses. */
    securityGroupsOf(i: PolicyResource): string[] {
        const keys = new Set<string>();
        for (const prop of ["orderlySecurityGroups", "securityGroups"]) {
            const list = i.props[prop];
            const items = Array.isArray(list) ? list : list === UNKNOWN ? [UNKNOWN] : [];
            for (const v of items) {
                const ref = this.resolve(i, prop, v, TYPES.securityGroup);
                const refs = ref === UNKNOWN ? this.dependencies(i, prop, TYPES.securityGroup) : [ref];
                refs.forEach((x) => keys.add(Inventory.key(x)));
            }
        }
        return [...keys];
    }

    /**
     * The rule sets whose security group a machine matching `guards` uses, with the group's key;
     * a rule set whose group is unknown during preview is included (the rules cannot rule it out).
     */
    ruleSetsGuarding(guards: (i: PolicyResource) => boolean): { set: PolicyResource; sg: string }[] {
        const guarded = new Set(this.ofType(TYPES.instance).filter(guards).flatMap((i) => this.securityGroupsOf(i)));
        return this.ofType(TYPES.securityGroupRuleSet)
            .map((set) => ({ set, sg: Inventory.key(this.resolve(set, "securityGroupId", set.props.securityGroupId, TYPES.securityGroup)) }))
            .filter(({ sg }) => sg === UNKNOWN || guarded.has(sg));
    }

    /** Instances using the security group with this key. */
    usersOf(sgKey: string): PolicyResource[] {
        return this.ofType(TYPES.instance).filter((i) => this.securityGroupsOf(i).includes(sgKey));
    }

    /** Keys of the groups used only by instances of these roles (and by at least one). */
    groupsOnlyFor(roles: readonly MachineRole[]): Set<string> {
        const users = new Map<string, PolicyResource[]>();
        for (const i of this.ofType(TYPES.instance)) {
            for (const k of this.securityGroupsOf(i)) {
                users.set(k, [...(users.get(k) ?? []), i]);
            }
        }
        return new Set([...users].filter(([, is]) => is.every((i) => roles.includes(roleOf(i)))).map(([k]) => k));
    }

    /** Private addresses of the instances of these roles. */
    addressesOf(roles: readonly MachineRole[]): Set<string> {
        return new Set(this.ofType(TYPES.instance).filter((i) => roles.includes(roleOf(i)))
            .map((i) => i.props.privateIp).filter((ip): ip is string => typeof ip === "string" && ip !== UNKNOWN));
    }

    /** etcd members by cluster: the etcd machines, or the masters when a cluster has none (stacked etcd). */
    etcdMembers(): Map<string, PolicyResource[]> {
        const clusters = new Map<string, PolicyResource[]>();
        for (const i of this.ofType(TYPES.instance).filter((x) => roleOf(x) === "etcd" || roleOf(x) === "master")) {
            clusters.set(clusterOf(i), [...(clusters.get(clusterOf(i)) ?? []), i]);
        }
        return new Map([...clusters].map(([c, is]) => {
            const etcd = is.filter((i) => roleOf(i) === "etcd");
            return [c, etcd.length > 0 ? etcd : is];
        }));
    }
}

const tagsOf = (i: PolicyResource): Record<string, unknown> => (typeof i.props.tags === "object" && i.props.tags !== null ? i.props.tags : {});
const nameOf = (i: PolicyResource): string => (typeof i.props.instanceName === "string" ? i.props.instanceName : i.name);

/** Role of an instance: its `kubeadm-ha/role` tag, else the role in its `<cluster>-<role>-<ordinal>` name. */
export function roleOf(i: PolicyResource): MachineRole {
    const tag = tagsOf(i)[ROLE_TAG];
    const role = typeof tag === "string" && tag !== UNKNOWN ? tag : NAME_RE.exec(nameOf(i))?.[2];
    return role === "etcd" || role === "master" || role === "bastion" ? role : "other";
}

/** Cluster of an instance: its `kubeadm-ha/cluster` tag, else the prefix of its name. */
export function clusterOf(i: PolicyResource): string {
    const tag = tagsOf(i)[CLUSTER_TAG];
    return typeof tag === "string" && tag !== UNKNOWN ? tag : NAME_RE.exec(nameOf(i))?.[1] ?? nameOf(i);
}

/** etcd members and masters: the machines that hold cluster state. */
export function isStateful(i: PolicyResource): boolean {
    const role = roleOf(i);
    return role === "etcd" || role === "master";
}
