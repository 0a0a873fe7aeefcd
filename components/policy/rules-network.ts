// Security-group rules: who may reach etcd (TCP 2379-2380) and SSH (TCP 22). A rule set is
// checked when its group is used by a machine the port matters for. An ingress rule that can
// admit the port (ACCEPT; protocol TCP, ALL or unset; port `all`, unset, or a list/range that
// covers it; any service template) must name an allowed source: a security group used only by
// allowed machines (sourceSecurityId), or a cidrBlock whose every address is an allowed machine.
// Address templates, IPv6 blocks and anything wider are refused.

import { cidrProblem, parseCidr } from "../plan/cidr";
import { Inventory, isStateful, MachineRole, PolicyConfig, PolicyResource, roleOf, TYPES, undecided, UNKNOWN, Violation, violation } from "./inventory";

/** Whether a rule's protocol and ports cover TCP traffic to any of `ports`, whatever its action. */
function coversTcp(rule: Record<string, any>, ports: readonly number[]): boolean {
    if (rule.serviceTemplateId || rule.serviceTemplateGroup) {
        return true; // the template's ports are not visible here
    }
    const protocol = typeof rule.protocol === "string" ? rule.protocol.toUpperCase() : "ALL";
    if (protocol !== "TCP" && protocol !== "ALL" && protocol !== UNKNOWN && protocol !== "") {
        return false;
    }
    if (typeof rule.port !== "string" || rule.port === UNKNOWN || rule.port.trim() === "" || rule.port.trim().toUpperCase() === "ALL") {
        return true;
    }
    return rule.port.split(",").some((item: string) => {
        const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(item);
        return !m || ports.some((port) => port >= Number(m[1]) && port <= Number(m[2] ?? m[1]));
    });
}

/** Whether an ingress rule can admit TCP traffic to any of `ports` (an ACCEPT that covers one). */
export function admitsTcp(rule: Record<string, any>, ports: readonly number[]): boolean {
    return !(typeof rule.action === "string" && rule.action.toUpperCase() !== "ACCEPT") && coversTcp(rule, ports);
}

/**
 * Whether an earlier rule drops TCP `port` for every source `rule` admits (rules are ordered and
 * the first match wins): a DROP covering the port from 0.0.0.0/0 or from the very same source.
 * Service templates never count as covering a port here.
 */
export function dropsFirst(earlier: Record<string, any>, port: number, rule: Record<string, any>): boolean {
    const sameSource = ["cidrBlock", "ipv6CidrBlock", "sourceSecurityId", "addressTemplateId", "addressTemplateGroup"]
        .some((k) => rule[k] !== undefined && rule[k] !== UNKNOWN && earlier[k] === rule[k]);
    return typeof earlier.action === "string" && earlier.action.toUpperCase() === "DROP" && !earlier.serviceTemplateId && !earlier.serviceTemplateGroup &&
        coversTcp(earlier, [port]) && (earlier.cidrBlock === "0.0.0.0/0" || sameSource);
}

/** Every address of a cidrBlock (or bare address) is in `allowed`. */
/** A cidrBlock as a block (a bare address is its /32). */
export const asBlock = (block: string): string => (block.includes("/") ? block : `${block}/32`);

function onlyAllowedAddresses(block: string, allowed: ReadonlySet<string>): boolean {
    const cidr = asBlock(block);
    if (cidrProblem(cidr)) {
        return false;
    }
    const { first, size } = parseCidr(cidr);
    if (size > allowed.size) {
        return false;
    }
    for (let n = first; n < first + size; n++) {
        if (!allowed.has([24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join("."))) {
            return false;
        }
    }
    return true;
}

interface PortRule {
    readonly policy: string;
    readonly ports: readonly number[];
    readonly label: string;
    /** Machines whose groups are checked. */
    readonly guards: (i: PolicyResource) => boolean;
    /** Machines that may be the source. */
    readonly sources: readonly MachineRole[];
    readonly why: string;
    readonly fix: string;
}

/** The violations of one port rule over every rule set whose group guards a relevant machine. */
function checkPort(inv: Inventory, p: PortRule, skip: (sgKey: string) => boolean = () => false): Violation[] {
    const allowedGroups = inv.groupsOnlyFor(p.sources);
    const allowedAddresses = inv.addressesOf(p.sources);
    const out: Violation[] = [];
    for (const { set, sg } of inv.ruleSetsGuarding(p.guards)) {
        if (sg !== UNKNOWN && skip(sg)) {
            continue;
        }
        const ingresses = set.props.ingresses;
        if (ingresses === UNKNOWN) {
            out.push(undecided(p.policy, set, "ingresses", `cannot tell whether ${p.label} TCP ${p.ports.join(", ")} is open`, p.fix));
            continue;
        }
        const rules: Record<string, any>[] = Array.isArray(ingresses) ? ingresses : [];
        rules.forEach((rule, n) => {
            const open = p.ports.filter((port) => admitsTcp(rule, [port]) && !rules.slice(0, n).some((earlier) => dropsFirst(earlier, port, rule)));
            if (open.length === 0) {
                return;
            }
            const at = `ingresses[${n}]`;
            const opens = `the rule admitting ${rule.protocol ?? "ALL"} port ${rule.port ?? "all"} (${p.label} TCP ${open.join(", ")})`;
            if (rule.sourceSecurityId !== undefined) {
                const ref = inv.resolve(set, "ingresses", rule.sourceSecurityId, TYPES.securityGroup);
                const candidates = ref === UNKNOWN ? inv.dependencies(set, "ingresses", TYPES.securityGroup).map((d) => d.urn) : [Inventory.key(ref)];
                if (candidates.length === 0 || !candidates.every((k) => allowedGroups.has(k))) {
                    const group = ref !== UNKNOWN && "urn" in ref ? ` (group ${ref.props.name ?? ref.name})` : "";
                    out.push(ref === UNKNOWN
                        ? undecided(p.policy, set, `${at}.sourceSecurityId`, `cannot tell which group ${opens} admits`, p.fix)
                        : violation(p.policy, set, `${at}.sourceSecurityId`, rule.sourceSecurityId,
                            `${opens} admits a group${group} not used only by ${p.sources.join("/")} machines; ${p.why}`, p.fix));
                }
            } else if (typeof rule.cidrBlock === "string" && rule.cidrBlock !== UNKNOWN) {
                if (!onlyAllowedAddresses(rule.cidrBlock, allowedAddresses)) {
                    out.push(violation(p.policy, set, `${at}.cidrBlock`, rule.cidrBlock, `${opens} admits addresses that are not ${p.sources.join("/")} machines; ${p.why}`, p.fix));
                }
            } else {
                const prop = ["cidrBlock", "ipv6CidrBlock", "addressTemplateId", "addressTemplateGroup"].find((k) => rule[k] !== undefined) ?? "cidrBlock";
                out.push(violation(p.policy, set, `${at}.${prop}`, rule[prop], `${opens} has a source that is not a ${p.sources.join("/")} group or address; ${p.why}`, p.fix));
            }
        });
    }
    return out;
}

/** Rule 2: etcd's client and peer ports (TCP 2379-2380) admit only masters and etcd members. */
export function etcdPortsOnlyFromControlPlane(resources: readonly PolicyResource[], _config?: PolicyConfig): Violation[] {
    const inv = new Inventory(resources);
    const fix = "admit 2379-2380 only with sourceSecurityId set to the etcd or master security group (or a cidrBlock of member/master /32 addresses), " +
        "or put a DROP of TCP 2379-2380 from that source before the rule";
    return checkPort(inv, {
        policy: "etcd-ports-only-from-control-plane", ports: [2379, 2380], label: "etcd", guards: isStateful, sources: ["etcd", "master"],
        why: "whoever reaches etcd reads and writes every Secret of the cluster", fix,
    });
}

/** Rule 3: SSH (TCP 22) to cluster machines only from the bastion; the bastion itself never from the whole internet. */
export function sshOnlyFromBastion(resources: readonly PolicyResource[], _config?: PolicyConfig): Violation[] {
    const inv = new Inventory(resources);
    const policy = "ssh-only-from-bastion";
    const bastionGroups = inv.groupsOnlyFor(["bastion"]);
    const out = checkPort(inv, {
        policy, ports: [22], label: "SSH", guards: (i) => roleOf(i) !== "bastion", sources: ["bastion"],
        why: "cluster machines take SSH only through the bastion", fix: "admit SSH only with sourceSecurityId set to the bastion's security group (or cidrBlock to the bastion's private address /32), " +
            "or put a DROP of TCP 22 from that source before the rule",
    }, (sg) => bastionGroups.has(sg));
    for (const set of inv.ofType(TYPES.securityGroupRuleSet)) {
        const sg = Inventory.key(inv.resolve(set, "securityGroupId", set.props.securityGroupId, TYPES.securityGroup));
        const rules: Record<string, any>[] = Array.isArray(set.props.ingresses) ? set.props.ingresses : [];
        if (!bastionGroups.has(sg)) {
            continue;
        }
        rules.forEach((rule, n) => {
            const open = [["cidrBlock", "0.0.0.0/0"], ["ipv6CidrBlock", "::/0"]].find(([k, any]) => rule[k] === any);
            if (open && admitsTcp(rule, [22]) && !rules.slice(0, n).some((earlier) => dropsFirst(earlier, 22, rule))) {
                out.push(violation(policy, set, `ingresses[${n}].${open[0]}`, rule[open[0]], "the bastion admits SSH from the whole internet",
                    "list only your office or VPN egress ranges (bastion.allowedCidrs)"));
            }
        });
    }
    return out;
}
