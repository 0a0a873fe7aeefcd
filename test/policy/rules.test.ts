// The policy rules (components/policy) on small hand-made inventories shaped like what the
// components register: one passing fixture per rule, failing fixtures for every edge the rule
// claims to handle, and messages that name resource, property, bad value and fix.

import { strict as assert } from "node:assert";
import * as path from "node:path";
import { ESLint } from "eslint";
import { TYPES } from "../../components/policy/inventory";
import {
    ALL_RULES, backupBucketEncrypted, etcdEgressRestricted, backupBucketPrivateVersioned, checkAll, noInternetWideAccess, etcdInHostPlacementGroups, etcdOddSize, etcdPortsOnlyFromControlPlane, noPublicIpOnStatefulNodes,
    PolicyResource, sshOnlyFromBastion, statefulNodesProtected, UNKNOWN, Violation,
} from "../../components/policy/rules";
import { CrossGuardResource, fromCrossGuard, rereadUnknown } from "../../policy/resources";

// CrossGuard's own unknown-value proxy (what `validateStack` receives during a preview).
const crossguard = require("@pulumi/policy/proxy");

const PROD = { production: true };
const DEV = { production: false };
const VPC = "10.0.0.0/16";

const res = (type: string, name: string, props: Record<string, any>, protect = false): PolicyResource =>
    ({ type, name, urn: `urn:pulumi:s::p::${type}::${name}`, props, protect, id: `${name}-id` });
const accept = (protocol: string, port: string, from: { cidr: string } | { sg: string }) =>
    ({ action: "ACCEPT", protocol, port, ...("cidr" in from ? { cidrBlock: from.cidr } : { sourceSecurityId: `net-sg-${from.sg}-id` }) });
const DROP_REST = { action: "DROP", protocol: "ALL", port: "all", cidrBlock: "0.0.0.0/0" };
const OPEN_EGRESS = { action: "ACCEPT", protocol: "ALL", port: "all", cidrBlock: "0.0.0.0/0" };

interface Shape { etcd?: number; masters?: number; stacked?: boolean; level?: string; protect?: boolean }

/** A cluster as the components register it: security groups and rule sets per role, placement groups, machines, the bastion's EIP. */
function cluster({ etcd = 3, masters = 3, stacked = false, level = "HOST", protect = true }: Shape = {}): PolicyResource[] {
    const roles = ["bastion", ...(stacked ? [] : ["etcd"]), "master", "worker"];
    const ssh = accept("TCP", "22", { sg: "bastion" });
    const ingress: Record<string, any[]> = {
        bastion: [accept("TCP", "22", { cidr: "203.0.113.0/24" }), DROP_REST],
        etcd: [ssh, accept("TCP", "2379-2380", { sg: "master" }), accept("TCP", "2379-2380", { sg: "etcd" }), accept("ICMP", "all", { cidr: VPC }), DROP_REST],
        master: [ssh, accept("TCP", "6443", { cidr: VPC }), ...(stacked ? [accept("TCP", "2379-2380", { sg: "master" })] : []), DROP_REST],
        worker: [ssh, accept("TCP", "10250", { sg: "master" }), accept("TCP", "30000-32767", { cidr: VPC }), DROP_REST],
    };
    const out: PolicyResource[] = [];
    for (const role of roles) {
        out.push(res(TYPES.securityGroup, `net-sg-${role}`, { name: `c-${role}` }));
        out.push(res(TYPES.securityGroupRuleSet, `net-sg-${role}-rules`, { securityGroupId: `net-sg-${role}-id`, ingresses: ingress[role] }));
    }
    const machine = (role: string, n: number, ip: string, stateful: boolean) => res(TYPES.instance, `c-${role}-${n}`, {
        instanceName: `c-${role}-${n}`, privateIp: ip, orderlySecurityGroups: [`net-sg-${role}-id`], allocatePublicIp: false,
        disableApiTermination: stateful && protect, tags: { "kubeadm-ha/cluster": "c", "kubeadm-ha/role": role },
        ...(stateful ? { placementGroupId: `c-${role}-pg-0-id` } : {}),
    }, stateful && protect);
    for (const [role, count] of [["etcd", stacked ? 0 : etcd], ["master", masters]] as const) {
        if (count > 0) {
            out.push(res(TYPES.placementGroup, `c-${role}-pg-0`, { name: `c-${role}-pg-0`, type: level, affinity: 1 }));
        }
        for (let n = 0; n < count; n++) {
            out.push(machine(role, n, `10.0.1.${role === "etcd" ? 20 + n : 30 + n}`, true));
        }
    }
    out.push(machine("worker", 0, "10.0.1.100", false), machine("bastion", 0, "10.0.1.5", false));
    out.push(res(TYPES.cosBucket, "c-backup-bucket", { bucket: "c-etcd-backup-1250000000", acl: "private", versioningEnable: true, encryptionAlgorithm: "AES256" }));
    out.push(res(TYPES.eipAssociation, "c-bastion-0-eip-association", { eipId: "eip-1", instanceId: "c-bastion-0-id" }));
    return out;
}

/** A copy of the inventory with `change` applied to the named resource's props (and the resource). */
function edit(resources: PolicyResource[], name: string, change: (props: any, r: any) => void): PolicyResource[] {
    const copy = structuredClone(resources) as any[];
    const r = copy.find((x) => x.name === name);
    assert.ok(r, `no resource ${name}`);
    change(r.props, r);
    return copy;
}
const withIngress = (resources: PolicyResource[], set: string, ...rules: any[]) => edit(resources, set, (p) => p.ingresses.unshift(...rules));

/** Exactly one violation, naming the resource, the property, the bad value and a fix. */
function one(vs: Violation[], resource: string, property: string, value: unknown, fix: RegExp): Violation {
    assert.equal(vs.length, 1, vs.map((v) => v.message).join("\n"));
    const [v] = vs;
    assert.equal(v.resource, resource);
    assert.equal(v.property, property);
    const shown = value === undefined ? "unset" : JSON.stringify(value);
    assert.equal(v.value, shown);
    assert.ok(v.message.startsWith(`${resource}: ${property} is ${shown}: `), v.message);
    assert.match(v.message, /\. Fix: /);
    assert.match(v.fix, fix);
    return v;
}

describe("policy rules", () => {
    it("pass on well-formed external-etcd and stacked clusters, in production and dev", () => {
        for (const shape of [{}, { etcd: 5 }, { stacked: true }, { stacked: true, masters: 5 }]) {
            assert.deepEqual(checkAll(cluster(shape), PROD), [], JSON.stringify(shape));
        }
        assert.deepEqual(checkAll(cluster({ stacked: true, masters: 1, protect: false }), DEV), []);
    });

    it("every violation carries the name of the rule that found it", () => {
        const bad = edit(cluster({ etcd: 4, level: "PARTITION", protect: false }), "c-etcd-0", (p) => { p.allocatePublicIp = true; });
        const openEtcd = edit(withIngress(bad, "net-sg-etcd-rules", accept("ALL", "all", { cidr: "0.0.0.0/0" })), "net-sg-etcd-rules", (p) => { p.egresses = [OPEN_EGRESS]; });
        const broken = edit(openEtcd, "c-backup-bucket", (p) => { p.acl = "public-read"; delete p.encryptionAlgorithm; });
        for (const rule of ALL_RULES) {
            const vs = rule.check(broken, PROD);
            assert.ok(vs.length > 0, `${rule.name} finds something in the broken fixture`);
            assert.ok(vs.every((v) => v.policy === rule.name), rule.name);
        }
    });

    describe("backup-bucket-private-versioned", () => {
        const bucket = "c-backup-bucket";
        it("refuses a public ACL and a bucket without versioning; the default ACL is private", () => {
            one(backupBucketPrivateVersioned(edit(cluster(), bucket, (p) => { p.acl = "public-read"; })), bucket, "acl", "public-read", /private/);
            one(backupBucketPrivateVersioned(edit(cluster(), bucket, (p) => { delete p.versioningEnable; })), bucket, "versioningEnable", undefined, /versioningEnable: true/);
            assert.deepEqual(backupBucketPrivateVersioned(edit(cluster(), bucket, (p) => { delete p.acl; })), []);
        });

        it("says it cannot decide while the ACL or versioning is unknown during preview", () => {
            const vs = backupBucketPrivateVersioned(edit(cluster(), bucket, (p) => { p.acl = UNKNOWN; p.versioningEnable = UNKNOWN; }));
            assert.deepEqual(vs.map((v) => [v.property, v.unknown]), [["acl", true], ["versioningEnable", true]]);
        });
    });

    describe("backup-bucket-encrypted", () => {
        const bucket = "c-backup-bucket";
        it("refuses a bucket without server-side encryption, accepts SSE-COS and KMS, and cannot decide while it is unknown", () => {
            one(backupBucketEncrypted(edit(cluster(), bucket, (p) => { delete p.encryptionAlgorithm; })), bucket, "encryptionAlgorithm", undefined, /AES256/);
            assert.deepEqual(backupBucketEncrypted(cluster()), []);
            assert.deepEqual(backupBucketEncrypted(edit(cluster(), bucket, (p) => { p.encryptionAlgorithm = "KMS"; })), []);
            assert.deepEqual(backupBucketEncrypted(edit(cluster(), bucket, (p) => { p.encryptionAlgorithm = UNKNOWN; })).map((v) => v.unknown), [true]);
        });
    });

    describe("no-internet-wide-access", () => {
        it("refuses the review's config: SSH to the bastion from the internet in two halves, the API from 0.0.0.0/0", () => {
            const review = withIngress(withIngress(cluster(), "net-sg-bastion-rules", accept("TCP", "22", { cidr: "0.0.0.0/1" }), accept("TCP", "22", { cidr: "128.0.0.0/1" })),
                "net-sg-master-rules", accept("TCP", "6443", { cidr: "0.0.0.0/0" }));
            const vs = noInternetWideAccess(review, PROD);
            assert.deepEqual(vs.map((v) => `${v.resource} ${v.property} ${v.value}`), [
                `net-sg-bastion-rules ingresses[0].cidrBlock "0.0.0.0/1"`, `net-sg-bastion-rules ingresses[1].cidrBlock "128.0.0.0/1"`,
                `net-sg-master-rules ingresses[0].cidrBlock "0.0.0.0/0"`,
            ]);
            assert.match(vs[0].message, /admits SSH \(TCP 22\) from 2,147,483,648 public addresses/);
            assert.match(vs[2].message, /the Kubernetes API \(TCP 6443\) from the whole internet/);
            assert.match(vs[0].fix, /\/16 or narrower/);
            assert.deepEqual(noInternetWideAccess(review, DEV), [], "a dev stack is not judged");
        });

        it("judges ranges by size: a public /16, any private range and the VPC pass; a public /15, IPv6 and ALL ports from a wide range do not; an earlier DROP closes the port", () => {
            const ok = withIngress(cluster(), "net-sg-master-rules", accept("TCP", "6443", { cidr: "198.18.0.0/16" }), accept("TCP", "10250", { cidr: "10.0.0.0/8" }), accept("TCP", "22", { cidr: "100.64.0.0/10" }));
            assert.deepEqual(noInternetWideAccess(ok, PROD), []);
            one(noInternetWideAccess(withIngress(cluster(), "net-sg-worker-rules", accept("TCP", "10250", { cidr: "198.18.0.0/15" })), PROD), "net-sg-worker-rules", "ingresses[0].cidrBlock", "198.18.0.0/15", /VPN/);
            one(noInternetWideAccess(withIngress(cluster(), "net-sg-master-rules", { action: "ACCEPT", protocol: "TCP", port: "6443", ipv6CidrBlock: "::/0" }), PROD), "net-sg-master-rules", "ingresses[0].ipv6CidrBlock", "::/0", /egress/);
            one(noInternetWideAccess(withIngress(cluster(), "net-sg-worker-rules", accept("ALL", "all", { cidr: "64.0.0.0/2" })), PROD), "net-sg-worker-rules", "ingresses[0].cidrBlock", "64.0.0.0/2", /\/16/);
            assert.deepEqual(noInternetWideAccess(withIngress(cluster(), "net-sg-master-rules", { action: "DROP", protocol: "TCP", port: "6443", cidrBlock: "0.0.0.0/1" }, accept("TCP", "6443", { cidr: "0.0.0.0/1" })), PROD), [], "dropped first");
            assert.deepEqual(noInternetWideAccess(withIngress(cluster(), "net-sg-master-rules", accept("TCP", "30000-32767", { cidr: "0.0.0.0/0" })), PROD), [], "NodePorts are not judged here");
        });
    });

    describe("etcd-egress-restricted", () => {
        const egress = (set: string, ...rules: any[]) => edit(cluster(), set, (p) => { p.egresses = rules; });
        it("reports an etcd group that sends everything to the internet (0.0.0.0/0 or a wide public range), in production only", () => {
            one(etcdEgressRestricted(egress("net-sg-etcd-rules", OPEN_EGRESS), PROD), "net-sg-etcd-rules", "egresses[0].cidrBlock", "0.0.0.0/0", /network\.etcdEgressCidrs/);
            const wide = egress("net-sg-etcd-rules", { action: "ACCEPT", protocol: "ALL", port: "all", cidrBlock: VPC }, { action: "ACCEPT", protocol: "ALL", port: "all", cidrBlock: "0.0.0.0/1" });
            assert.match(one(etcdEgressRestricted(wide, PROD), "net-sg-etcd-rules", "egresses[1].cidrBlock", "0.0.0.0/1", /COS/).message, /2,147,483,648 public addresses/);
            assert.deepEqual(etcdEgressRestricted(egress("net-sg-etcd-rules", OPEN_EGRESS), DEV), [], "a dev stack is not judged");
        });

        it("accepts what network.etcdEgressCidrs renders (the VPC, the metadata service, listed ranges, then DROP), other roles' open egress and a DROP first", () => {
            const restricted = egress("net-sg-etcd-rules", { action: "ACCEPT", protocol: "ALL", port: "all", cidrBlock: VPC },
                { action: "ACCEPT", protocol: "ALL", port: "all", cidrBlock: "169.254.0.23/32" }, { action: "ACCEPT", protocol: "ALL", port: "all", cidrBlock: "198.18.0.0/24" }, DROP_REST);
            assert.deepEqual(etcdEgressRestricted(restricted, PROD), []);
            assert.deepEqual(etcdEgressRestricted(egress("net-sg-master-rules", OPEN_EGRESS), PROD), [], "masters and workers are not judged");
            assert.deepEqual(etcdEgressRestricted(egress("net-sg-etcd-rules", DROP_REST, OPEN_EGRESS), PROD), []);
            assert.deepEqual(etcdEgressRestricted(egress("net-sg-etcd-rules", { ...OPEN_EGRESS, protocol: "TCP", port: "443" }), PROD), [], "one port is not everything");
            assert.deepEqual(etcdEgressRestricted(edit(cluster(), "net-sg-etcd-rules", (p) => { p.egresses = UNKNOWN; }), PROD).map((v) => v.unknown), [true]);
        });
    });

    describe("no-public-ip-on-stateful-nodes", () => {
        it("refuses allocatePublicIp on an etcd member, a master and a stacked master", () => {
            one(noPublicIpOnStatefulNodes(edit(cluster(), "c-etcd-1", (p) => { p.allocatePublicIp = true; })), "c-etcd-1", "allocatePublicIp", true, /allocatePublicIp: false/);
            one(noPublicIpOnStatefulNodes(edit(cluster(), "c-master-0", (p) => { p.allocatePublicIp = true; })), "c-master-0", "allocatePublicIp", true, /bastion/);
            one(noPublicIpOnStatefulNodes(edit(cluster({ stacked: true }), "c-master-2", (p) => { p.allocatePublicIp = true; })), "c-master-2", "allocatePublicIp", true, /false/);
        });

        it("refuses an EIP association to a master by instance id or by private address, not the bastion's or a worker's", () => {
            const eip = "c-bastion-0-eip-association";
            one(noPublicIpOnStatefulNodes(edit(cluster(), eip, (p) => { p.instanceId = "c-master-1-id"; })), eip, "instanceId", "c-master-1-id", /remove the EIP association/);
            one(noPublicIpOnStatefulNodes(edit(cluster(), eip, (p) => { delete p.instanceId; p.privateIp = "10.0.1.21"; })), eip, "privateIp", "10.0.1.21", /remove/);
            assert.deepEqual(noPublicIpOnStatefulNodes(edit(cluster(), eip, (p) => { p.instanceId = "c-worker-0-id"; })), []);
            assert.deepEqual(noPublicIpOnStatefulNodes(edit(cluster(), "c-worker-0", (p) => { p.allocatePublicIp = true; })), []);
        });

        it("resolves an instance id unknown during preview through the property's dependencies", () => {
            const unknownTarget = (deps: string[]) => edit(cluster(), "c-bastion-0-eip-association", (p, r) => {
                p.instanceId = UNKNOWN;
                r.propertyDependencies = { instanceId: deps };
            });
            const urn = (name: string) => cluster().find((r) => r.name === name)!.urn;
            const [resolved, ...rest] = noPublicIpOnStatefulNodes(unknownTarget([urn("c-etcd-0")]));
            assert.deepEqual(rest, []);
            assert.match(resolved.message, /the EIP goes to c-etcd-0/);
            assert.equal(resolved.unknown, undefined, "decided through the dependency");
            assert.deepEqual(noPublicIpOnStatefulNodes(unknownTarget([urn("c-bastion-0")])), []);
            const undecided = noPublicIpOnStatefulNodes(unknownTarget([]));
            assert.equal(undecided.length, 1);
            assert.equal(undecided[0].unknown, true);
        });
    });

    describe("etcd-ports-only-from-control-plane", () => {
        const set = "net-sg-etcd-rules";
        const open = (...rules: any[]) => etcdPortsOnlyFromControlPlane(withIngress(cluster(), set, ...rules));

        it("refuses 2379-2380 from 0.0.0.0/0, from the VPC and from the worker group", () => {
            one(open(accept("TCP", "2379-2380", { cidr: "0.0.0.0/0" })), set, "ingresses[0].cidrBlock", "0.0.0.0/0", /etcd or master security group/);
            one(open(accept("TCP", "2379-2380", { cidr: VPC })), set, "ingresses[0].cidrBlock", VPC, /sourceSecurityId/);
            const v = one(open(accept("TCP", "2379", { sg: "worker" })), set, "ingresses[0].sourceSecurityId", "net-sg-worker-id", /etcd or master/);
            assert.match(v.message, /group c-worker/);
        });

        it("counts every spelling that opens the ports: ALL, port all/ALL, unset protocol, a single port, lists and ranges", () => {
            const from = { cidr: "0.0.0.0/0" };
            for (const rule of [accept("ALL", "all", from), accept("TCP", "ALL", from), { action: "accept", cidrBlock: "0.0.0.0/0" }, accept("TCP", "2380", from),
                accept("TCP", "80,2379", from), accept("TCP", "2000-3000", from), accept("TCP", "1-65535", from), { ...accept("TCP", "x", from), port: undefined }]) {
                assert.equal(open(rule).length, 1, JSON.stringify(rule));
            }
            for (const rule of [accept("UDP", "2379-2380", from), accept("ICMP", "all", from), accept("TCP", "2381-2390", from), accept("TCP", "2378", from),
                { ...accept("TCP", "2379-2380", from), action: "DROP" }]) {
                assert.deepEqual(open(rule), [], JSON.stringify(rule));
            }
        });

        it("allows /32 addresses of members and masters, not a block that also holds another machine", () => {
            assert.deepEqual(open(accept("TCP", "2379-2380", { cidr: "10.0.1.30/32" }), accept("TCP", "2379", { cidr: "10.0.1.21" })), []);
            assert.deepEqual(open(accept("TCP", "2379-2380", { cidr: "10.0.1.20/31" })), [], "10.0.1.20 and .21 are both members");
            one(open(accept("TCP", "2379-2380", { cidr: "10.0.1.32/30" })), set, "ingresses[0].cidrBlock", "10.0.1.32/30", /32 addresses/);
            one(open(accept("TCP", "2379-2380", { cidr: "10.0.1.100/32" })), set, "ingresses[0].cidrBlock", "10.0.1.100/32", /etcd or master/);
        });

        it("refuses sources it cannot check: address templates and IPv6 blocks", () => {
            one(open({ action: "ACCEPT", protocol: "TCP", port: "2379", addressTemplateId: "ipm-1" }), set, "ingresses[0].addressTemplateId", "ipm-1", /sourceSecurityId/);
            one(open({ action: "ACCEPT", protocol: "TCP", port: "2379", ipv6CidrBlock: "::/0" }), set, "ingresses[0].ipv6CidrBlock", "::/0", /sourceSecurityId/);
        });

        it("honours rule order: an earlier DROP of a port from the same source or 0.0.0.0/0 closes it", () => {
            const wide = accept("TCP", "2379-2380", { cidr: VPC });
            assert.deepEqual(open({ ...accept("TCP", "2379-2380", { cidr: "0.0.0.0/0" }), action: "DROP" }, wide), []);
            assert.deepEqual(open({ ...accept("TCP", "2379-2380", { cidr: VPC }), action: "DROP" }, wide), []);
            const half = open({ ...accept("TCP", "2379", { cidr: VPC }), action: "DROP" }, wide);
            assert.match(one(half, set, "ingresses[1].cidrBlock", VPC, /DROP/).message, /etcd TCP 2380\)/);
            assert.equal(open({ ...accept("TCP", "2379-2380", { cidr: "10.1.0.0/16" }), action: "DROP" }, wide).length, 1, "a DROP from another source does not shadow");
        });

        it("checks the groups of etcd members and masters (stacked too), not the others", () => {
            const stacked = (from: { cidr: string } | { sg: string }) => etcdPortsOnlyFromControlPlane(withIngress(cluster({ stacked: true }), "net-sg-master-rules", accept("TCP", "2379-2380", from)));
            one(stacked({ sg: "worker" }), "net-sg-master-rules", "ingresses[0].sourceSecurityId", "net-sg-worker-id", /master/);
            assert.deepEqual(stacked({ sg: "master" }), []);
            assert.deepEqual(etcdPortsOnlyFromControlPlane(withIngress(cluster(), "net-sg-worker-rules", accept("ALL", "all", { cidr: "0.0.0.0/0" }))), [],
                "no etcd on workers");
        });

        it("refuses a master group that a worker shares", () => {
            const shared = edit(cluster(), "c-worker-0", (p) => { p.orderlySecurityGroups = ["net-sg-master-id"]; });
            one(etcdPortsOnlyFromControlPlane(shared), set, "ingresses[1].sourceSecurityId", "net-sg-master-id", /etcd or master/);
        });

        it("decides an unknown source group from the rule set's dependencies when they are all allowed, else reports it undecided", () => {
            const byName = new Map(cluster().map((r) => [r.name, r.urn]));
            const unknownSource = (deps: string[]) => etcdPortsOnlyFromControlPlane(edit(cluster(), set, (p, r) => {
                p.ingresses[1].sourceSecurityId = UNKNOWN;
                r.propertyDependencies = { ingresses: deps.map((d) => byName.get(d)!) };
            }));
            assert.deepEqual(unknownSource(["net-sg-master", "net-sg-etcd"]), []);
            const [v] = unknownSource(["net-sg-master", "net-sg-worker"]);
            assert.equal(v.unknown, true);
            assert.equal(v.property, "ingresses[1].sourceSecurityId");
        });
    });

    describe("ssh-only-from-bastion", () => {
        const ssh = (set: string, ...rules: any[]) => sshOnlyFromBastion(withIngress(cluster(), set, ...rules));

        it("refuses SSH from 0.0.0.0/0, from a wide block and from the worker group", () => {
            one(ssh("net-sg-worker-rules", accept("TCP", "22", { cidr: "0.0.0.0/0" })), "net-sg-worker-rules", "ingresses[0].cidrBlock", "0.0.0.0/0", /bastion's security group/);
            one(ssh("net-sg-master-rules", accept("TCP", "1-1024", { cidr: VPC })), "net-sg-master-rules", "ingresses[0].cidrBlock", VPC, /bastion/);
            one(ssh("net-sg-etcd-rules", accept("TCP", "22", { sg: "worker" })), "net-sg-etcd-rules", "ingresses[0].sourceSecurityId", "net-sg-worker-id", /bastion/);
        });

        it("refuses ALL from a peer group (which admits SSH) unless an earlier DROP closes 22", () => {
            one(ssh("net-sg-worker-rules", accept("ALL", "all", { sg: "worker" })), "net-sg-worker-rules", "ingresses[0].sourceSecurityId", "net-sg-worker-id", /DROP of TCP 22/);
            assert.deepEqual(ssh("net-sg-worker-rules", { ...accept("TCP", "22", { sg: "worker" }), action: "DROP" }, accept("ALL", "all", { sg: "worker" })), []);
        });

        it("allows the bastion's group and its private address, and the bastion's own allowed ranges", () => {
            assert.deepEqual(ssh("net-sg-master-rules", accept("TCP", "22", { cidr: "10.0.1.5/32" })), []);
            assert.deepEqual(sshOnlyFromBastion(cluster()), [], "the bastion group admits 203.0.113.0/24");
        });

        it("refuses SSH to the bastion from the whole internet", () => {
            one(ssh("net-sg-bastion-rules", accept("TCP", "22", { cidr: "0.0.0.0/0" })), "net-sg-bastion-rules", "ingresses[0].cidrBlock", "0.0.0.0/0", /allowedCidrs/);
            assert.equal(ssh("net-sg-bastion-rules", accept("ALL", "all", { cidr: "0.0.0.0/0" })).length, 1);
        });
    });

    describe("stateful-nodes-protected", () => {
        it("refuses a production master without protect and an etcd member without termination protection", () => {
            one(statefulNodesProtected(edit(cluster(), "c-master-1", (_p, r) => { r.protect = false; }), PROD), "c-master-1", "protect (resource option)", false, /protect: true/);
            one(statefulNodesProtected(edit(cluster(), "c-etcd-2", (p) => { p.disableApiTermination = false; }), PROD), "c-etcd-2", "disableApiTermination", false, /disableApiTermination: true/);
            one(statefulNodesProtected(edit(cluster({ stacked: true }), "c-master-0", (p) => { delete p.disableApiTermination; }), PROD), "c-master-0", "disableApiTermination", undefined, /true/);
        });

        it("asks nothing outside production, nor of workers and the bastion", () => {
            const bare = cluster({ protect: false });
            assert.equal(statefulNodesProtected(bare, PROD).length, 2 * 6);
            assert.deepEqual(statefulNodesProtected(bare, DEV), []);
            assert.deepEqual(statefulNodesProtected(cluster(), PROD), []);
        });
    });

    describe("etcd-spread-placement", () => {
        it("accepts HOST, SW and RACK spread groups with affinity 1 (one per switch or rack is also one per host)", () => {
            for (const level of ["HOST", "SW", "RACK"]) {
                assert.deepEqual(etcdInHostPlacementGroups(cluster({ level })), [], level);
            }
        });

        it("refuses a group of another type, and an affinity that lets one host, switch or rack take quorum", () => {
            const v = one(etcdInHostPlacementGroups(cluster({ level: "PARTITION" })), "c-etcd-pg-0", "type", "PARTITION", /type: "HOST"/);
            assert.match(v.message, /c-etcd-0, c-etcd-1, c-etcd-2/);
            one(etcdInHostPlacementGroups(cluster({ stacked: true, level: "PARTITION" })), "c-master-pg-0", "type", "PARTITION", /HOST/);
            const a2 = one(etcdInHostPlacementGroups(edit(cluster({ level: "RACK" }), "c-etcd-pg-0", (p) => { p.affinity = 2; })), "c-etcd-pg-0", "affinity", 2, /use affinity 1/);
            assert.match(a2.message, /one rack may hold 2 of the 3 etcd members.*losing 2 of 3 breaks quorum/);
            assert.deepEqual(etcdInHostPlacementGroups(edit(cluster({ etcd: 5 }), "c-etcd-pg-0", (p) => { p.affinity = 2; })), [], "2 of 5 on one host keeps quorum");
        });

        it("only etcd members: masters of an external-etcd cluster may use another type", () => {
            const other = edit(cluster(), "c-master-pg-0", (p) => { p.type = "PARTITION"; });
            assert.deepEqual(etcdInHostPlacementGroups(other), []);
        });

        it("refuses a member in no group or in a group outside the stack", () => {
            one(etcdInHostPlacementGroups(edit(cluster(), "c-etcd-1", (p) => { delete p.placementGroupId; })), "c-etcd-1", "placementGroupId", undefined, /HOST, SW or RACK/);
            one(etcdInHostPlacementGroups(edit(cluster(), "c-etcd-1", (p) => { p.placementGroupId = "ps-elsewhere"; })), "c-etcd-1", "placementGroupId", "ps-elsewhere", /HOST/);
        });

        it("reads disasterRecoverGroupIds, which overrides placementGroupId", () => {
            const other = (ids: string[]) => etcdInHostPlacementGroups([...edit(cluster(), "c-etcd-0", (p) => { p.disasterRecoverGroupIds = ids; }),
                res(TYPES.placementGroup, "c-x", { type: "PARTITION" })]);
            one(other(["c-x-id"]), "c-x", "type", "PARTITION", /HOST/);
            assert.deepEqual(other(["c-etcd-pg-0-id"]), []);
        });
    });

    describe("etcd-odd-size", () => {
        const size = (shape: Shape, config = PROD) => etcdOddSize(cluster(shape), config);

        it("allows 3 and 5 members in production, and 1 only outside production", () => {
            assert.deepEqual([size({ etcd: 3 }), size({ etcd: 5 }), size({ stacked: true, masters: 3 }), size({ stacked: true, masters: 1 }, DEV)], [[], [], [], []]);
            one(size({ etcd: 1 }), "cluster c", "etcd member count", 1, /3 or 5/);
            one(size({ stacked: true, masters: 1 }), "cluster c", "etcd member count", 1, /controlPlane.count/);
        });

        it("refuses an even count in production and in dev", () => {
            const v = one(size({ etcd: 4 }), "cluster c", "etcd member count", 4, /3 or 5/);
            assert.match(v.message, /c-etcd-0, c-etcd-1, c-etcd-2, c-etcd-3/);
            one(size({ stacked: true, masters: 2 }, DEV), "cluster c", "etcd member count", 2, /3 or 5/);
        });

        it("counts the etcd machines, and the masters only when the cluster has no etcd machines (stacked)", () => {
            assert.deepEqual(size({ etcd: 3, masters: 2 }), [], "2 masters do not count with external etcd");
            one(size({ stacked: true, masters: 4 }), "cluster c", "etcd member count", 4, /odd|3 or 5/);
        });

        it("recognises roles by the naming contract when the role tag is missing", () => {
            const untagged = cluster({ etcd: 4 }).map((r) => (r.type === TYPES.instance ? { ...r, props: { ...r.props, tags: {} } } : r));
            one(etcdOddSize(untagged, PROD), "cluster c", "etcd member count", 4, /3 or 5/);
        });
    });
});

describe("the CrossGuard adapter (policy/resources.ts)", () => {
    /** The fixture as a first preview sees it: every id unknown, references known only through propertyDependencies. */
    function firstPreview(resources: PolicyResource[]): CrossGuardResource[] {
        const byId = new Map(resources.map((r) => [r.id, r.urn]));
        return resources.map((r) => {
            const deps: Record<string, { urn: string }[]> = {};
            const hide = (v: any, top: string): any => {
                if (typeof v === "string" && byId.has(v)) {
                    deps[top] = [...(deps[top] ?? []), { urn: byId.get(v)! }];
                    return crossguard.unknownStringValue;
                }
                return Array.isArray(v) ? v.map((x) => hide(x, top)) : typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hide(x, top)])) : v;
            };
            const props = Object.fromEntries(Object.entries(r.props).map(([k, v]) => [k, hide(v, k)]));
            return { type: r.type, name: r.name, urn: r.urn, props: crossguard.unknownCheckingProxy(props), opts: { protect: r.protect }, propertyDependencies: deps };
        });
    }

    it("turns values unknown during preview into UNKNOWN and keeps the property dependencies", () => {
        const [etcd0] = firstPreview(cluster()).filter((r) => r.name === "c-etcd-0");
        assert.throws(() => etcd0.props.placementGroupId, /can't be known during preview/, "CrossGuard's proxy throws on unknowns");
        const r = fromCrossGuard(etcd0);
        assert.equal(r.props.placementGroupId, UNKNOWN);
        assert.deepEqual(r.props.orderlySecurityGroups, [UNKNOWN]);
        assert.equal(r.props.privateIp, "10.0.1.20");
        assert.deepEqual(r.propertyDependencies!.placementGroupId, [cluster().find((x) => x.name === "c-etcd-pg-0")!.urn]);
        assert.equal(r.protect, true);
        assert.equal(r.id, undefined);
    });

    it("takes the provider id from id or the bridge's <resource>Id output", () => {
        const pg = { type: TYPES.placementGroup, name: "g", urn: "u", opts: { protect: false }, propertyDependencies: {} };
        assert.equal(fromCrossGuard({ ...pg, props: { placementGroupId: "ps-1", type: "HOST" } }).id, "ps-1");
        assert.equal(fromCrossGuard({ ...pg, props: { id: "ps-2" } }).id, "ps-2");
        assert.equal(fromCrossGuard({ ...pg, type: TYPES.instance, props: { placementGroupId: "ps-1" } }).id, undefined, "an Instance's placementGroupId is not its id");
    });

    it("on a first preview decides the machine rules and leaves only group sources undecided", () => {
        const preview = firstPreview(cluster());
        const resources = preview.map(fromCrossGuard);
        for (const rule of ALL_RULES) {
            const vs = rule.check(resources, PROD);
            if (rule.name === "etcd-ports-only-from-control-plane" || rule.name === "ssh-only-from-bastion") {
                assert.ok(vs.length > 0 && vs.every((v) => v.unknown === true && /sourceSecurityId$/.test(v.property)), rule.name);
            } else {
                assert.deepEqual(vs, [], rule.name);
            }
        }
        const broken = firstPreview(edit(cluster(), "c-etcd-0", (p) => { p.allocatePublicIp = true; })).map(fromCrossGuard);
        one(noPublicIpOnStatefulNodes(broken), "c-etcd-0", "allocatePublicIp", true, /false/);
    });

    it("re-reads an undecided value so that CrossGuard raises its own unknown-value error", () => {
        const preview = firstPreview(cluster());
        const [v] = etcdPortsOnlyFromControlPlane(preview.map(fromCrossGuard));
        assert.throws(() => rereadUnknown(preview, v), (e: unknown) => e instanceof crossguard.UnknownValueError);
        assert.doesNotThrow(() => rereadUnknown(preview, { ...v, property: "ingresses[0].port" }));
    });
});

describe("lint: components/policy stays pure", () => {
    const lint = async (code: string) => (await new ESLint({ cwd: path.join(__dirname, "..", "..") })
        .lintText(code, { filePath: path.join(__dirname, "..", "..", "components", "policy", "probe.ts") }))[0].messages.map((m) => m.message);

    it("rejects Pulumi imports and imports of components outside plan/ (even type-only ones)", async () => {
        for (const code of [`import { PolicyPack } from "@pulumi/policy";\nexport const x = PolicyPack;\n`,
            `import type { RecordedResource } from "../testing/recorder";\nexport type X = RecordedResource;\n`]) {
            assert.ok((await lint(code)).some((m) => /pure/.test(m)), code);
        }
    });

    it("allows the plan's CIDR helpers", async () => {
        assert.deepEqual(await lint(`import { parseCidr } from "../plan/cidr";\nexport const x = parseCidr;\n`), []);
    });
});
