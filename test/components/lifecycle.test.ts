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

    it("node-local proxies: every worker's proxy follows the masters (its configuration in the command), after every master's steps; a grown control plane changes it", async () => {
        const three = stackFile("prod-stacked-local");
        const deployed = await previewStack(three, "prod-stacked-local");
        const { plan } = planStackFile(three, "prod-stacked-local");
        const resources = deployed.recorder.resources as RecordedResource[];
        const cmd = (rs: RecordedResource[], name: string) => {
            const r = rs.find((x) => x.type === COMMAND && x.name === name);
            assert.ok(r, `${name} is registered`);
            return r;
        };
        const masters = plan.nodes.filter((n) => n.role === "master");
        const config = (create: string) => Buffer.from(create.split(" ").pop()!, "base64").toString("utf8");
        for (const w of plan.nodes.filter((n) => n.role === "worker")) {
            const step = cmd(resources, `${w.name}-proxy-backends`);
            const inputs = withoutSecrets(step.inputs);
            assert.equal(inputs.stdin, LIFECYCLE_SCRIPTS.proxyBackends.content);
            assert.match(inputs.create, /^sudo bash -s -- \/etc\/kubernetes\/[a-z-]+\/haproxy\.cfg container:haproxy:USR2 8404 [A-Za-z0-9+/=]+$/);
            const userData = String(withoutSecrets(resources.find((r) => r.type === "tencentcloud:index/instance:Instance" && r.name === w.name)!.inputs.userDataRaw));
            const text = config(inputs.create);
            assert.ok(userData.includes(text.split("\n").find((l) => l.includes("server "))!.trim()), "the same configuration as the worker boots with");
            for (const m of masters) {
                assert.ok(text.includes(`${m.privateIp}:${plan.endpoint.port}`), `${m.name} is a backend`);
                assert.ok(step.dependencies.includes(cmd(resources, `${m.name}-upgrade`).urn), `after ${m.name}'s steps`);
            }
            assert.ok(step.dependencies.includes(cmd(resources, `${plan.nodes.find((n) => n.role === "master")!.name}-uncordon-${w.name}`).urn), "after the worker's own steps");
        }
        const five = stackFile("prod-stacked-local");
        five.config["kubeadm-ha:cluster"].controlPlane.count = 5;
        const snapshot = await new Promise((r) => (deployed.outputs.changeGuardSnapshot as any).apply((v: unknown) => (r(v), v)));
        const grown = await previewStack(five, "prod-stacked-local", { changeGuardSnapshot: snapshot });
        const added = planStackFile(five, "prod-stacked-local").plan.nodes.filter((n) => n.role === "master").slice(3);
        const after = config(withoutSecrets(cmd(grown.recorder.resources as RecordedResource[], "prod-nlp-general-0-proxy-backends").inputs).create);
        for (const m of added) {
            assert.ok(after.includes(`${m.privateIp}:${plan.endpoint.port}`), `the new ${m.name} is a backend`);
        }
    });

    for (const [stack, role] of [["prod-keepalived", "lb"], ["prod-lvs", "haproxy"]] as const) {
        it(`${stack}: the LB machines' HAProxy follows the masters, one machine after the other, after every master's steps; Debian's unit reloads it`, async () => {
            const { resources, plan } = await run(stack);
            const cmd = (name: string) => {
                const r = resources.find((x) => x.type === COMMAND && x.name === name);
                assert.ok(r, `${name} is registered`);
                return r;
            };
            const lbs = plan.nodes.filter((n) => n.role === role);
            assert.ok(lbs.length >= 2);
            const masters = plan.nodes.filter((n) => n.role === "master");
            for (const [i, lb] of lbs.entries()) {
                const step = cmd(`${lb.name}-proxy-backends`);
                const inputs = withoutSecrets(step.inputs);
                assert.equal(inputs.connection.host, lb.privateIp);
                assert.ok(inputs.connection.hostKey, "its host key pinned, as every machine's");
                assert.equal(inputs.stdin, LIFECYCLE_SCRIPTS.proxyBackends.content);
                assert.match(inputs.create, /^sudo bash -s -- \/etc\/haproxy\/haproxy\.cfg unit:haproxy 8404 [A-Za-z0-9+/=]+$/);
                const text = Buffer.from(inputs.create.split(" ").pop(), "base64").toString("utf8");
                const userData = String(withoutSecrets(resources.find((r) => r.type === "tencentcloud:index/instance:Instance" && r.name === lb.name)!.inputs.userDataRaw));
                assert.ok(masters.every((m) => text.includes(`${m.privateIp}:${plan.endpoint.port}`)), "every master a backend");
                assert.ok(text.split("\n").filter((l) => l.trim().startsWith("server ")).every((l) => userData.includes(l.trim())), "the configuration the machine boots with");
                if (i === 0) {
                    assert.ok(masters.every((m) => step.dependencies.includes(cmd(`${m.name}-upgrade`).urn)), "after every master's steps");
                } else {
                    assert.ok(step.dependencies.includes(cmd(`${lbs[i - 1].name}-proxy-backends`).urn), "after the machine before it");
                }
            }
            assert.ok(!plan.nodes.filter((n) => n.role === "lvs").some((d) => resources.some((r) => r.name === `${d.name}-proxy-backends`)), "LVS directors run no HAProxy");
        });
    }
});
