// Exposure to the internet, judged by size: in production no security group admits SSH (22), the
// API (6443) or the kubelet (10250) from an IPv4 block wider than a /16 outside the private
// ranges, nor from any IPv6 source (0.0.0.0/1 + 128.0.0.0/1 is the whole internet as surely as
// 0.0.0.0/0). Every rule set is checked, whatever machine uses its group: a public CLB's group
// as much as a master's. A DROP earlier in the set for the same source, or for 0.0.0.0/0, closes
// the port as in the other network rules.

import { Cidr, cidrProblem, parseCidr, widePublicRange, WIDEST_PUBLIC_PREFIX } from "../plan/cidr";
import { Inventory, PolicyConfig, PolicyResource, roleOf, TYPES, undecided, UNKNOWN, Violation, violation } from "./inventory";
import { admitsTcp, asBlock, dropsFirst } from "./rules-network";

/** The ports whose exposure the rule judges, with what they give away. */
const EXPOSED: readonly [number, string][] = [[22, "SSH"], [6443, "the Kubernetes API"], [10250, "the kubelet API"]];

/** A rule's cidrBlock (or bare address) when it is a public range wider than production allows. */
function widePublicBlock(block: unknown): Cidr | undefined {
    if (typeof block !== "string" || block === UNKNOWN || cidrProblem(asBlock(block))) {
        return undefined;
    }
    const r = parseCidr(asBlock(block));
    return widePublicRange(r) ? r : undefined;
}

const sizeOf = (r: Cidr) => (r.prefix === 0 ? "the whole internet" : `${r.size.toLocaleString("en-US")} public addresses`);

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
            } else {
                const r = widePublicBlock(rule.cidrBlock);
                if (r) {
                    out.push(violation(policy, set, `ingresses[${n}].cidrBlock`, rule.cidrBlock, `admits ${what} from ${sizeOf(r)}`, fix));
                }
            }
        });
    }
    return out;
}

/** Whether an egress rule covers every protocol and port (ALL / all, or unset, and no service template). */
function coversEverything(rule: Record<string, any>): boolean {
    const all = (v: unknown) => v === undefined || (typeof v === "string" && (v.toUpperCase() === "ALL" || v === UNKNOWN));
    return all(rule.protocol) && all(rule.port) && !rule.serviceTemplateId && !rule.serviceTemplateGroup;
}

const isAction = (rule: Record<string, any>, action: "ACCEPT" | "DROP") => typeof rule.action !== "string" ? action === "ACCEPT" : rule.action.toUpperCase() === action;

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
    const out: Violation[] = [];
    for (const { set } of new Inventory(resources).ruleSetsGuarding((i) => roleOf(i) === "etcd")) {
        const egresses = set.props.egresses;
        if (egresses === UNKNOWN) {
            out.push(undecided(policy, set, "egresses", "cannot tell where the etcd members may send", fix));
            continue;
        }
        const rules: Record<string, any>[] = Array.isArray(egresses) ? egresses : [];
        const n = rules.findIndex((rule) => isAction(rule, "ACCEPT") && coversEverything(rule) && widePublicBlock(rule.cidrBlock));
        const droppedFirst = rules.slice(0, Math.max(n, 0)).some((r) => isAction(r, "DROP") && coversEverything(r) && r.cidrBlock === "0.0.0.0/0");
        if (n >= 0 && !droppedFirst) {
            out.push(violation(policy, set, `egresses[${n}].cidrBlock`, rules[n].cidrBlock, `lets etcd members send anything to ${sizeOf(widePublicBlock(rules[n].cidrBlock)!)}`, fix));
        }
    }
    return out;
}
