// Every policy rule over what the Pulumi program registers for every shipped stack (the offline
// preview's recorder, as in test/components/cluster.test.ts), with the stack's profile as the
// `production` config. Mutated inventories show the rules bite on real resources.

import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { previewStack } from "../../components/cli/preview";
import { planStackFile } from "../../components/plan/stack-file";
import type { ClusterPlan } from "../../components/plan/plan";
import { fromRecorder } from "../../components/policy/from-recorder";
import { Inventory, isStateful, TYPES } from "../../components/policy/inventory";
import { ALL_RULES, checkAll, PolicyConfig, PolicyResource, Violation } from "../../components/policy/rules";
import { stackNames } from "../helpers/rendered";

interface Run { resources: PolicyResource[]; config: PolicyConfig; plan: ClusterPlan }

/** The stack file's program under mocks, as the recorder saw it. */
async function inventory(stack: string, editCluster?: (cluster: any) => void): Promise<Run> {
    const doc = parse(readFileSync(path.join(__dirname, "..", "..", "stacks", `Pulumi.${stack}.yaml`), "utf8"), { version: "1.1" });
    editCluster?.(doc.config["kubeadm-ha:cluster"]);
    const preview = await previewStack(doc, stack);
    const { spec, plan } = planStackFile(doc, stack);
    return { resources: fromRecorder(preview.recorder.resources), config: { production: spec.profile === "production" }, plan };
}

/**
 * Violations the shipped stacks have today. They are findings to resolve in the stacks (or by a
 * decision to change the rule), not waivers: the test fails if the list changes in either direction.
 */
const KNOWN_FINDINGS: Readonly<Record<string, readonly string[]>> = {
    // Advisory: the shipped production stacks with external etcd leave the members' egress open,
    // because the ranges they would list (the COS endpoint, the mirrors, DNS) are each account's own.
    "prod": ['etcd-egress-restricted prod-network-sg-etcd-rules egresses[0].cidrBlock "0.0.0.0/0"'],
    "prod-keepalived": ['etcd-egress-restricted prod-ka-network-sg-etcd-rules egresses[0].cidrBlock "0.0.0.0/0"'],
    "prod-lvs": ['etcd-egress-restricted prod-lvs-network-sg-etcd-rules egresses[0].cidrBlock "0.0.0.0/0"'],
};
const summary = (vs: Violation[]) => vs.map((v) => `${v.policy} ${v.resource} ${v.property} ${v.value}`);

const edit = (resources: PolicyResource[], name: string, change: (r: any) => void): PolicyResource[] =>
    resources.map((r) => {
        if (r.name !== name) {
            return r;
        }
        const copy = structuredClone(r);
        change(copy);
        return copy;
    });

describe("policy rules over every stack's recorded inventory", function () {
    this.timeout(60_000);
    for (const stack of stackNames()) {
        describe(stack, () => {
            let run: Run;
            before(async () => {
                run = await inventory(stack);
            });

            it("sees the plan's machines: every etcd member and master, and the etcd members of the plan (stacked or external)", () => {
                const inv = new Inventory(run.resources);
                const stateful = run.plan.nodes.filter((n) => n.role === "etcd" || n.role === "master").map((n) => n.name).sort();
                assert.deepEqual(inv.ofType(TYPES.instance).filter(isStateful).map((i) => i.name).sort(), stateful);
                const members = [...inv.etcdMembers().values()].flat().map((i) => i.name).sort();
                assert.deepEqual(members, run.plan.nodes.filter((n) => n.etcdMember).map((n) => n.name).sort());
            });

            it("resolves the references the rules follow: rule sets to groups, machines to groups, members to placement groups", () => {
                const inv = new Inventory(run.resources);
                const resolved = (r: PolicyResource, prop: string, type: string) => (inv.resolve(r, prop, r.props[prop], type) as PolicyResource).type;
                const sets = inv.ofType(TYPES.securityGroupRuleSet);
                assert.ok(sets.length >= 3);
                sets.forEach((s) => assert.equal(resolved(s, "securityGroupId", TYPES.securityGroup), TYPES.securityGroup, s.name));
                for (const i of inv.ofType(TYPES.instance)) {
                    assert.deepEqual(inv.securityGroupsOf(i).map((k) => k.startsWith("urn:")), [true], i.name);
                }
                [...inv.etcdMembers().values()].flat().forEach((m) => assert.equal(resolved(m, "placementGroupId", TYPES.placementGroup), TYPES.placementGroup, m.name));
            });

            const known = KNOWN_FINDINGS[stack] ?? [];
            it(known.length === 0 ? "has zero violations" : `has exactly its ${known.length} known findings and nothing else`, () => {
                assert.deepEqual(summary(checkAll(run.resources, run.config)), known);
            });

            if (known.length > 0) {
                it("has none left with network.etcdEgressCidrs set", async () => {
                    const limited = await inventory(stack, (c) => { c.network.etcdEgressCidrs = ["198.18.0.0/24"]; });
                    assert.deepEqual(summary(checkAll(limited.resources, limited.config)), []);
                });
            }

            it("catches an etcd member or master with a public IP", () => {
                const member = [...new Inventory(run.resources).etcdMembers().values()].flat()[0];
                const vs = checkAll(edit(run.resources, member.name, (r) => { r.props.allocatePublicIp = true; }), run.config);
                assert.deepEqual(summary(vs).filter((s) => !known.includes(s)), [`no-public-ip-on-stateful-nodes ${member.name} allocatePublicIp true`]);
            });

            it("catches etcd opened to 0.0.0.0/0 on the group etcd runs in", () => {
                const member = [...new Inventory(run.resources).etcdMembers().values()].flat()[0];
                const sg = member.props.orderlySecurityGroups[0] as string;
                const set = run.resources.find((r) => r.type === TYPES.securityGroupRuleSet && r.props.securityGroupId === sg)!;
                const open = edit(run.resources, set.name, (r) => { r.props.ingresses.unshift({ action: "ACCEPT", protocol: "TCP", port: "2379", cidrBlock: "0.0.0.0/0" }); });
                const vs = ALL_RULES.find((r) => r.name === "etcd-ports-only-from-control-plane")!.check(open, run.config);
                assert.deepEqual(summary(vs), [`etcd-ports-only-from-control-plane ${set.name} ingresses[0].cidrBlock "0.0.0.0/0"`]);
            });

            it("catches a production master without protect (and asks nothing of a dev stack)", () => {
                const master = run.plan.nodes.find((n) => n.role === "master")!.name;
                const bare = edit(run.resources, master, (r) => { r.protect = false; r.props.disableApiTermination = false; });
                const vs = summary(checkAll(bare, run.config)).filter((s) => !known.includes(s));
                assert.deepEqual(vs, run.config.production
                    ? [`stateful-nodes-protected ${master} protect (resource option) false`, `stateful-nodes-protected ${master} disableApiTermination false`]
                    : []);
            });
        });
    }

    it("finds the security review's internet-open production config, which passed every rule before: SSH to the bastion from both halves of the internet, the API from 0.0.0.0/0", async () => {
        const prod = await inventory("prod");
        const sets = prod.resources.filter((r) => r.type === TYPES.securityGroupRuleSet);
        const bastion = sets.find((r) => /bastion/.test(r.name))!;
        const publicApi = sets.find((r) => /public-api|master/.test(r.name))!;
        let open = edit(prod.resources, bastion.name, (r) => { r.props.ingresses.unshift({ action: "ACCEPT", protocol: "TCP", port: "22", cidrBlock: "0.0.0.0/1" }, { action: "ACCEPT", protocol: "TCP", port: "22", cidrBlock: "128.0.0.0/1" }); });
        open = edit(open, publicApi.name, (r) => { r.props.ingresses.unshift({ action: "ACCEPT", protocol: "TCP", port: "6443", cidrBlock: "0.0.0.0/0" }); });
        assert.deepEqual(summary(checkAll(open, prod.config)).filter((v) => !KNOWN_FINDINGS.prod.includes(v)), [
            `no-internet-wide-access ${bastion.name} ingresses[0].cidrBlock "0.0.0.0/1"`, `no-internet-wide-access ${bastion.name} ingresses[1].cidrBlock "128.0.0.0/1"`,
            `no-internet-wide-access ${publicApi.name} ingresses[0].cidrBlock "0.0.0.0/0"`,
        ]);
    });

    it("holds a dev stack to production rules when the policy is told it is production", async () => {
        const dev = await inventory("dev");
        assert.equal(dev.config.production, false);
        assert.deepEqual(summary(checkAll(dev.resources, { production: true })), [
            "stateful-nodes-protected dev-master-0 protect (resource option) false",
            "stateful-nodes-protected dev-master-0 disableApiTermination false",
            "etcd-odd-size cluster dev etcd member count 1",
        ]);
    });
});
