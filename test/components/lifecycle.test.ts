// The steps that take machines out of the cluster and the membership steps, as the program wires
// them under mocks (components/cluster-join.ts, docs/node-lifecycle.md): each leave step has only
// a `delete`, runs where it must, and depends on its machine's steps, so the engine runs it before
// it deletes the machine; with external etcd the apiservers follow the members one master at a time.

import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { previewStack } from "../../components/cli/preview";
import { planStackFile } from "../../components/plan/stack-file";
import { apiserverEtcdServers, leaveControlPlane, leaveEtcd, removeNode, startEtcdMember } from "../../components/render/commands";
import { LIFECYCLE_SCRIPTS } from "../../components/render/scripts-lifecycle";
import type { RecordedResource } from "../helpers/mocks";
import { withoutSecrets } from "../../lab/unwrap";

const COMMAND = "command:remote:Command";
const stackFile = (stack: string) => parse(readFileSync(path.join(__dirname, "..", "..", "stacks", `Pulumi.${stack}.yaml`), "utf8"), { version: "1.1" });

async function run(stack: string) {
    const doc = stackFile(stack);
    const preview = await previewStack(doc, stack);
    return { resources: preview.recorder.resources as RecordedResource[], ...planStackFile(doc, stack) };
}

describe("node and member lifecycle under mocks", function () {
    this.timeout(120_000);
    for (const stack of ["prod-keepalived", "prod-stacked-local"]) {
        it(`${stack}: a leave step with only a delete for every worker, joining master and external member, each deleted before its machine`, async () => {
            const { resources, plan } = await run(stack);
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            const cmd = (name: string) => {
                const r = resources.find((x) => x.type === COMMAND && x.name === name);
                assert.ok(r, `${name} is registered`);
                return { ...r, inputs: withoutSecrets(r.inputs) };
            };
            // Everything a resource waits for, directly or not.
            const reaches = (r: RecordedResource, urn: string, seen = new Set<string>()): boolean => r.dependencies.some((d) => {
                if (d === urn) {
                    return true;
                }
                if (seen.has(d)) {
                    return false;
                }
                seen.add(d);
                return byUrn.has(d) && reaches(byUrn.get(d)!, urn, seen);
            });
            const instance = (name: string) => resources.find((x) => x.type === "tencentcloud:index/instance:Instance" && x.name === name)!.urn;
            const [first, ...others] = plan.nodes.filter((n) => n.role === "master");
            const check = (name: string, host: string, del: string, script: string, machine: string) => {
                const c = cmd(name);
                assert.equal(c.inputs.create, undefined, `${name} runs nothing when created`);
                assert.equal(c.inputs.delete, del);
                assert.equal(c.inputs.stdin, script);
                assert.equal(c.inputs.connection.host, host, `${name} runs on ${host}`);
                assert.ok(reaches(c, instance(machine)), `${name} depends on ${machine}'s machine, so it is deleted first`);
            };
            for (const w of plan.nodes.filter((n) => n.role === "worker")) {
                check(`${first.name}-remove-${w.name}`, first.privateIp, removeNode(w.hostname), LIFECYCLE_SCRIPTS.nodeRemove.content, w.name);
            }
            for (const m of others) {
                check(`${m.name}-leave`, m.privateIp, leaveControlPlane(m.hostname, m.etcdMember ? "stacked" : "external"), LIFECYCLE_SCRIPTS.masterLeave.content, m.name);
            }
            assert.ok(!resources.some((r) => r.name === `${first.name}-leave`), "master-0 never leaves (it runs init and the add-ons)");
            const members = plan.nodes.filter((n) => n.role === "etcd");
            for (const n of members) {
                check(`${n.name}-etcd-leave`, n.privateIp, leaveEtcd(n, members), LIFECYCLE_SCRIPTS.etcdLeave.content, n.name);
            }
            assert.equal(members.length > 0, plan.nodes.some((n) => n.role === "etcd"));
        });
    }

    it("external etcd: every master's apiserver follows the members, one master after the other, once every member runs", async () => {
        const { resources, plan } = await run("prod-keepalived");
        const cmd = (name: string) => resources.find((x) => x.type === COMMAND && x.name === name)!;
        const masters = plan.nodes.filter((n) => n.role === "master");
        const members = plan.nodes.filter((n) => n.role === "etcd");
        for (const [i, m] of masters.entries()) {
            const step = cmd(`${m.name}-etcd-servers`);
            const inputs = withoutSecrets(step.inputs);
            assert.equal(inputs.create, apiserverEtcdServers(members, plan.endpoint.port, i === 0 ? "first" : "other"));
            assert.equal(inputs.create, `sudo bash -s -- ${members.map((n) => `https://${n.privateIp}:2379`).join(",")} ${plan.endpoint.port} ${i === 0 ? "first" : "other"}`);
            assert.equal(inputs.stdin, LIFECYCLE_SCRIPTS.apiserverEtcdServers.content);
            assert.deepEqual(inputs.triggers, [members.map((n) => n.privateIp).join(",")], "reruns when the membership changes");
            assert.ok(step.dependencies.includes(cmd(i === 0 ? `${m.name}-upgrade` : `${masters[i - 1].name}-etcd-servers`).urn), `${m.name} after ${i === 0 ? "its own steps" : "the master before it"}`);
            if (i === 0) {
                for (const n of members) {
                    assert.ok(step.dependencies.includes(cmd(`${n.name}-etcd-upgrade`).urn), `after ${n.name} runs`);
                }
            }
        }
        const stacked = await run("prod-stacked-local");
        assert.ok(!stacked.resources.some((r) => r.name.endsWith("-etcd-servers")), "stacked: each apiserver uses its own member, no list to follow");
    });

    it("external etcd 3 -> 5: the new members join the running cluster (never bootstrap one); the others' start steps do not change", async () => {
        const three = stackFile("prod-keepalived");
        three.config["kubeadm-ha:cluster"].etcd.members = 3;
        const deployed = await previewStack(three, "prod-keepalived");
        const snapshot = await new Promise((r) => (deployed.outputs.changeGuardSnapshot as any).apply((v: unknown) => (r(v), v)));
        const five = stackFile("prod-keepalived");
        five.config["kubeadm-ha:cluster"].etcd.members = 5;
        const grown = await previewStack(five, "prod-keepalived", { changeGuardSnapshot: snapshot });
        const members = planStackFile(five, "prod-keepalived").plan.nodes.filter((n) => n.role === "etcd");
        const create = (rs: RecordedResource[], name: string) => withoutSecrets(rs.find((r) => r.type === COMMAND && r.name === name)!.inputs).create;
        for (const [i, m] of members.entries()) {
            assert.equal(create(grown.recorder.resources, `${m.name}-etcd-start`), startEtcdMember(m, members, i >= 3), m.name);
        }
        assert.match(create(grown.recorder.resources, "prod-ka-etcd-3-etcd-start"), / join && /);
        assert.doesNotMatch(create(grown.recorder.resources, "prod-ka-etcd-0-etcd-start"), / join /);
        const fresh = await previewStack(five, "prod-keepalived");
        assert.ok(members.every((m) => !/ join /.test(create(fresh.recorder.resources, `${m.name}-etcd-start`))), "a new cluster bootstraps");
    });
});
