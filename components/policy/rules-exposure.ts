// Exposure to the internet, judged by size: in production no security group admits SSH (22), the
// API (6443) or the kubelet (10250) from an IPv4 block wider than a /16 outside the private
// ranges, nor from any IPv6 source (0.0.0.0/1 + 128.0.0.0/1 is the whole internet as surely as
// 0.0.0.0/0). Every rule set is checked, whatever machine uses its group: a public CLB's group
// as much as a master's. A DROP earlier in the set for the same source, or for 0.0.0.0/0, closes
// the port as in the other network rules.

import { cidrProblem, parseCidr, widePublicRange, WIDEST_PUBLIC_PREFIX } from "../plan/cidr";
import { Inventory, PolicyConfig, PolicyResource, TYPES, undecided, UNKNOWN, Violation, violation } from "./inventory";
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
