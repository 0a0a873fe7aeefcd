// Exposure to the internet, judged by size: in production no security group admits SSH (22), the
// API (6443) or the kubelet (10250) from an IPv4 block wider than a /16 outside the private
// ranges, nor from any IPv6 source (0.0.0.0/1 + 128.0.0.0/1 is the whole internet as surely as
// 0.0.0.0/0). Every rule set is checked, whatever machine uses its group: a public CLB's group
// as much as a master's. A DROP earlier in the set for the same source, or for 0.0.0.0/0, closes
// the port as in the other network rules.

import { cidrProblem, parseCidr, widePublicRange, WIDEST_PUBLIC_PREFIX } from "../plan/cidr";
import { Inventory, PolicyConfig, PolicyResource, roleOf, TYPES, undecided, UNKNOWN, Violation, violation } from "./inventory";
import { admitsTcp, asBlock, dropsFirst } from "./rules-network";

/** The ports whose exposure the rule judges, with what they give away. */
const EXPOSED: readonly [number, string][] = [[22, "SSH"], [6443, "the Kubernetes API"], [10250, "the kubelet API"]];

/** Rule 8 (production): SSH, the API and the kubelet are never open to an internet-wide range. */
export function noInternetWideAccess(resources: readonly PolicyResource[], config?: PolicyConfig): Violation[] {
    if (config?.production === false) {
        return [];
    }
    const policy = "no-internet-wide-access";
    const fix = `admit only your offices' or VPN's egress ranges, each /${WIDEST_PUBLIC_PREFIX} or narrower (network.adminCidrs, bastion.allowedCidrs), or the VPC`;
    const out: Violation[] = [];
    for (const set of new Inventory(resources).ofType(TYPES.securityGroupRuleSet)) {
        const ingresses = set.props.ingresses;
        if (ingresses === UNKNOWN) {
            out.push(undecided(policy, set, "ingresses", "cannot tell whether SSH, the API or the kubelet is open to the internet", fix));
            continue;
        }
        const rules: Record<string, any>[] = Array.isArray(ingresses) ? ingresses : [];
        rules.forEach((rule, n) => {
            const open = EXPOSED.filter(([port]) => admitsTcp(rule, [port]) && !rules.slice(0, n).some((earlier) => dropsFirst(earlier, port, rule)));
            if (open.length === 0) {
                return;
            }
            const what = open.map(([port, name]) => `${name} (TCP ${port})`).join(", ");
            if (typeof rule.ipv6CidrBlock === "string" && rule.ipv6CidrBlock !== UNKNOWN) {
                out.push(violation(policy, set, `ingresses[${n}].ipv6CidrBlock`, rule.ipv6CidrBlock, `admits ${what} from IPv6 addresses, which no production access list needs`, fix));
            } else if (typeof rule.cidrBlock === "string" && rule.cidrBlock !== UNKNOWN && !cidrProblem(asBlock(rule.cidrBlock))) {
                const r = parseCidr(asBlock(rule.cidrBlock));
                if (widePublicRange(r)) {
                    out.push(violation(policy, set, `ingresses[${n}].cidrBlock`, rule.cidrBlock,
                        `admits ${what} from ${r.prefix === 0 ? "the whole internet" : `${r.size.toLocaleString("en-US")} public addresses`}`, fix));
                }
            }
        });
    }
    return out;
}

/** Whether an egress rule sends every protocol and port (an ACCEPT of ALL / all, or unset). */
function sendsEverything(rule: Record<string, any>): boolean {
    const all = (v: unknown) => v === undefined || (typeof v === "string" && (v.toUpperCase() === "ALL" || v === UNKNOWN));
    return !(typeof rule.action === "string" && rule.action.toUpperCase() !== "ACCEPT") && all(rule.protocol) && all(rule.port) && !rule.serviceTemplateId && !rule.serviceTemplateGroup;
}

/**
 * Rule 10 (production, advisory): the groups of external etcd members do not send everything to
 * an internet-wide range, so a member that was taken over cannot ship the keyspace out. The
 * library leaves egress open unless `network.etcdEgressCidrs` lists where the members may send.
 */
export function etcdEgressRestricted(resources: readonly PolicyResource[], config?: PolicyConfig): Violation[] {
    if (config?.production === false) {
        return [];
    }
    const policy = "etcd-egress-restricted";
    const fix = "list where the members may send in network.etcdEgressCidrs (the COS endpoint, mirrors, DNS): the VPC and the metadata service are added, the rest is dropped";
    const inv = new Inventory(resources);
    const guarded = new Set(inv.ofType(TYPES.instance).filter((i) => roleOf(i) === "etcd").flatMap((i) => inv.securityGroupsOf(i)));
    const out: Violation[] = [];
    for (const set of inv.ofType(TYPES.securityGroupRuleSet)) {
        const sg = Inventory.key(inv.resolve(set, "securityGroupId", set.props.securityGroupId, TYPES.securityGroup));
        if (sg !== UNKNOWN && !guarded.has(sg)) {
            continue;
        }
        const egresses = set.props.egresses;
        if (egresses === UNKNOWN) {
            out.push(undecided(policy, set, "egresses", "cannot tell where the etcd members may send", fix));
            continue;
        }
        const rules: Record<string, any>[] = Array.isArray(egresses) ? egresses : [];
        const n = rules.findIndex((rule) => sendsEverything(rule) && typeof rule.cidrBlock === "string" && rule.cidrBlock !== UNKNOWN &&
            !cidrProblem(asBlock(rule.cidrBlock)) && widePublicRange(parseCidr(asBlock(rule.cidrBlock))));
        const dropped = n >= 0 && rules.slice(0, n).some((r) => typeof r.action === "string" && r.action.toUpperCase() === "DROP" && r.cidrBlock === "0.0.0.0/0" && sendsEverything({ ...r, action: "ACCEPT" }));
        if (n >= 0 && !dropped) {
            const r = parseCidr(asBlock(rules[n].cidrBlock));
            out.push(violation(policy, set, `egresses[${n}].cidrBlock`, rules[n].cidrBlock,
                `lets etcd members send anything to ${r.prefix === 0 ? "the whole internet" : `${r.size.toLocaleString("en-US")} public addresses`}`, fix));
        }
    }
    return out;
}
