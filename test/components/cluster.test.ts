// The Pulumi program (index.ts -> KubeadmCluster) under mocks, for every shipped stack: what it
// registers, how it is wired, what is secret, and what scale-out changes.

import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { drainNode, reloadEncryption, upgradeEtcdMember } from "../../components/render/commands";
import { UPGRADE_SCRIPTS } from "../../components/render/scripts-upgrade";
import { workerBatch } from "../../components/plan/upgrade";
import { renderContext } from "../../components/render/context";
import { SCRIPTS } from "../../components/render/scripts";
import { ENCRYPTION_SCRIPTS } from "../../components/render/scripts-encryption";
import { parse } from "yaml";
import { KubeadmCluster } from "../../components/kubeadm-cluster";
import { readDeployedSnapshot } from "../../components/deployed-snapshot";
import type { ClusterPlan } from "../../components/plan/plan";
import { keyPairName } from "../../components/plan/naming";
import { ingressRules, securityRoles } from "../../components/plan/security";
import type { ClusterSpec } from "../../components/plan/spec";
import { planStackFile } from "../../components/plan/stack-file";
import { previewStack } from "../../components/cli/preview";
import { installCloudMocks, waitForRegistrations } from "../../components/testing";
import { isSecret, isWireSecret, RecordedResource, Recorder } from "../helpers/mocks";
import { stackNames } from "../helpers/rendered";
import { withoutSecrets } from "../../lab/unwrap";

const ROOT = path.join(__dirname, "..", "..");
const T = (name: string) => `tencentcloud:index/${name[0].toLowerCase()}${name.slice(1)}:${name}`;
const COMMAND = "command:remote:Command";

interface Run { rec: Recorder; out: Record<string, any>; spec: ClusterSpec; plan: ClusterPlan }

const stackFile = (stack: string) => parse(readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8"), { version: "1.1" });

/** Runs index.ts for a stack file (optionally edited) under fresh mocks, as the offline preview does. */
async function runStack(stack: string, edit?: (cluster: any) => void, extraConfig: Record<string, unknown> = {}): Promise<Run> {
    const doc = stackFile(stack);
    edit?.(doc.config["kubeadm-ha:cluster"]);
    Object.assign(doc.config, extraConfig);
    const preview = await previewStack(doc, stack);
    const { spec, plan } = planStackFile(doc, stack);
    return { rec: preview.recorder, out: preview.outputs, spec, plan };
}

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply((v) => { r(v); return v; }));
const count = (rec: Recorder, type: string) => rec.ofType(type).length;
const byName = (rec: Recorder, type: string, name: string) => rec.ofType(type).find((r) => r.name === name)!;
const plain = (v: unknown): any => (isWireSecret(v) ? (v as any).value : v);
/** `plain` all the way down (a connection holds secret fields). */
const HOST_KEY = "tls:index/privateKey:PrivateKey";

/** The files a secret installer script writes, decoded. */
function scriptFiles(script: string): Map<string, string> {
    const files = new Map<string, string>();
    for (const m of script.matchAll(/base64 -d > (\S+)\.tmp <<'KUBEADM_HA_EOF'\n([\s\S]*?)\nKUBEADM_HA_EOF/g)) {
        files.set(m[1], Buffer.from(m[2].replace(/\n/g, ""), "base64").toString("utf8"));
    }
    return files;
}

describe("KubeadmCluster under mocks, for every stack", function () {
    this.timeout(60_000);
    for (const stack of stackNames()) {
        describe(stack, () => {
            let run: Run;
            before(async () => {
                run = await runStack(stack);
            });
            const nodes = (role: string) => run.plan.nodes.filter((n) => n.role === role);

            it("registers what the plan says: machines, groups, disks, network, endpoint tier, join steps", () => {
                const { rec, plan, spec } = run;
                const external = spec.etcd.topology === "external";
                const kind = plan.endpoint.kind;
                assert.equal(count(rec, T("Instance")), plan.nodes.length);
                assert.equal(count(rec, T("PlacementGroup")), plan.placementGroups.length);
                assert.equal(count(rec, T("CbsStorage")), external ? nodes("etcd").length : 0);
                assert.equal(count(rec, T("CbsStorageAttachment")), external ? nodes("etcd").length : 0);
                assert.equal(count(rec, T("SecurityGroup")), securityRoles(spec).length);
                assert.equal(count(rec, T("SecurityGroupRuleSet")), securityRoles(spec).length);
                assert.equal(count(rec, T("Subnet")), spec.zones.length);
                for (const t of ["Vpc", "NatGateway", "RouteTable", "RouteTableEntry", "KeyPair", "EipAssociation"]) {
                    assert.equal(count(rec, T(t)), 1, t);
                }
                assert.equal(count(rec, T("HaVip")), kind === "keepalived-haproxy" || kind === "lvs-haproxy" ? 1 : 0);
                assert.equal(count(rec, T("ClbInstance")), (kind === "clb" ? 1 : 0) + (plan.endpoint.publicAccess && kind !== "keepalived-haproxy" ? 1 : 0));
                const masters = nodes("master").length;
                const joined = nodes("etcd").length + masters + nodes("worker").length;
                // Every etcd member's backup, and with external etcd every master's key archive.
                const backups = spec.backup.enabled ? run.plan.nodes.filter((n) => n.etcdMember || (external && n.role === "master")).length : 0;
                // Per worker: its join, and with node-local proxies the switch to its proxy and the step that makes its proxy follow the masters.
                const perWorker = kind === "node-local-proxy" ? 3 : 1;
                // Per joining master: upload-certs and the token check on master-0, its join, use-local-apiserver.
                // master-0: init and the add-ons (pod network, CoreDNS HA); every etcd member: its defragmentation timer.
                const defrag = run.plan.nodes.filter((n) => n.etcdMember).length;
                // Every master: the step that makes its apiserver use the installed encryption keys.
                // The rolling upgrade: every etcd member's and every master's step; per worker, its drain,
                // its step and its uncordon.
                const upgrade = nodes("etcd").length + masters + 3 * nodes("worker").length;
                // The membership: with external etcd every master's etcd-servers step; the steps whose
                // delete takes a machine out: every worker's remove, every joining master's leave, every external member's leave.
                const lifecycle = (external ? masters : 0) + nodes("worker").length + (masters - 1) + nodes("etcd").length;
                // Every LB machine's HAProxy follows the masters.
                const lbFollow = nodes("lb").length + nodes("haproxy").length;
                const expectedCommands = 2 * joined + nodes("etcd").length + 2 + 4 * (masters - 1) + (perWorker + 1) * nodes("worker").length + backups + defrag + masters + upgrade + lifecycle + lbFollow;
                assert.equal(count(rec, COMMAND), expectedCommands);
            });

            it("gives every resource a unique URN under one of the library's components", () => {
                const urns = run.rec.resources.map((r) => r.urn);
                assert.equal(new Set(urns).size, urns.length, "URNs are unique");
                for (const r of run.rec.custom()) {
                    assert.match(r.parentUrn, /kubeadm-ha:index:[A-Za-z]+::/, `${r.type} ${r.name} sits under a component`);
                }
            });

            it("launches every etcd member and master into its planned placement group, none with a public IP", () => {
                for (const n of [...nodes("etcd"), ...nodes("master")]) {
                    const i = byName(run.rec, T("Instance"), n.name);
                    assert.equal(i.inputs.placementGroupId, `${n.placementGroup}-id`, n.name);
                    assert.equal(i.inputs.privateIp, n.privateIp);
                    assert.equal(i.inputs.allocatePublicIp, false);
                }
                const association = run.rec.ofType(T("EipAssociation"))[0];
                assert.equal(association.inputs.instanceId, `${nodes("bastion")[0].name}-id`, "the only EIP on a machine is the bastion's");
            });

            it("protects stateful machines only in the production profile", () => {
                const production = run.spec.profile === "production";
                for (const n of run.plan.nodes) {
                    const i = byName(run.rec, T("Instance"), n.name);
                    const stateful = n.role === "etcd" || n.role === "master";
                    assert.equal(i.protect, stateful && production, `${n.name} protect`);
                    assert.equal(i.inputs.disableApiTermination, stateful && production, `${n.name} termination protection`);
                    assert.deepEqual(i.ignoreChanges.sort(), stateful ? ["imageId", "keyIds", "userDataRaw"] : ["keyIds"], `${n.name} ignoreChanges`);
                }
            });

            it("protects, in production, the key material whose replacement would break the cluster: CA keys, the service-account key, the encryption-at-rest key", () => {
                const production = run.spec.profile === "production";
                const kept = run.rec.resources.filter((r) => /-pki-(ca|front-proxy-ca|etcd-ca|sa)-key$|-pki-encryption-key$/.test(r.name));
                assert.deepEqual(kept.map((r) => r.name.replace(/^.*-pki-/, "")).sort(),
                    [...(run.spec.etcd.topology === "external" ? ["etcd-ca-key"] : []), "ca-key", "encryption-key", "front-proxy-ca-key", "sa-key"].sort());
                kept.forEach((r) => assert.equal(r.protect, production, `${r.name} protect`));
                const leaves = run.rec.resources.filter((r) => /-pki-.*-key$/.test(r.name) && !kept.includes(r));
                assert.ok(leaves.length > 0 && leaves.every((r) => !r.protect), "leaf and host keys stay replaceable (renewal)");
            });

            it("never sets a CLB field Tencent cannot change; a HAVIP's checkAssociate is set at creation only (the snapshot keeps it from changing)", async () => {
                const immutable = ["masterZoneId", "zoneId", "slaveZoneId", "snatIps", "addressIpVersion", "bandwidthPackageId", "dynamicVip"];
                for (const clb of run.rec.ofType(T("ClbInstance"))) {
                    assert.deepEqual(immutable.filter((k) => clb.inputs[k] !== undefined), [], clb.name);
                }
                const snapshot = await value<any>(run.out.changeGuardSnapshot);
                for (const havip of run.rec.ofType(T("HaVip"))) {
                    assert.equal(havip.inputs.checkAssociate, true, `${havip.name}: a new cluster's HAVIP has its switch range`);
                    assert.equal(snapshot.endpoint.switchRange, true, "recorded for the next update");
                }
            });

            it("binds the deploy key pair at creation only, and never deletes a key pair running machines are bound to", () => {
                const pair = run.rec.ofType(T("KeyPair"))[0];
                assert.equal(pair.retainOnDelete, true, "a replaced key pair stays in the account, bound to the running machines");
                const publicKey = String(pair.inputs.publicKey);
                assert.equal(pair.inputs.keyName, keyPairName(run.spec.name, publicKey));
                assert.match(pair.inputs.keyName, new RegExp(`^${run.spec.name.replace(/-/g, "_")}_[0-9a-f]{4}$`));
                assert.ok(pair.inputs.keyName.length <= 25);
                assert.notEqual(keyPairName(run.spec.name, publicKey), keyPairName(run.spec.name, "ssh-rsa AAAAnew"), "a new key gets a new name");
            });

            it("writes exactly the planned least-privilege security rules", () => {
                const rules = ingressRules(run.spec);
                for (const role of securityRoles(run.spec)) {
                    const set = run.rec.ofType(T("SecurityGroupRuleSet")).find((r) => r.name.endsWith(`-sg-${role}-rules`))!;
                    const expected = rules[role].map((r) => ({
                        action: r.action, protocol: r.protocol, port: r.port, description: r.description,
                        ...("cidr" in r.from ? { cidrBlock: r.from.cidr } : { sourceSecurityId: `${run.spec.name}-network-sg-${r.from.role}-id` }),
                    }));
                    assert.deepEqual(set.inputs.ingresses, expected, role);
                }
            });

            it("lets only the admin ranges reach a public CLB", () => {
                for (const clb of run.rec.ofType(T("ClbInstance")).filter((c) => c.inputs.networkType === "OPEN")) {
                    assert.deepEqual(clb.inputs.securityGroups, [`${run.spec.name}-network-sg-public-api-id`], clb.name);
                    const rules = run.rec.ofType(T("SecurityGroupRuleSet")).find((r) => r.name.endsWith("-sg-public-api-rules"))!.inputs.ingresses;
                    assert.deepEqual(rules.map((r: any) => r.cidrBlock), [...run.spec.network.adminCidrs, "0.0.0.0/0"]);
                    assert.equal(rules.at(-1).action, "DROP");
                }
            });

            it("lets only the VPC and the admin ranges reach an internal CLB (its backends trust the CLB's group alone)", () => {
                const internal = run.rec.ofType(T("ClbInstance")).filter((c) => c.inputs.networkType === "INTERNAL");
                assert.equal(internal.length, run.plan.endpoint.kind === "clb" ? 1 : 0);
                for (const clb of internal) {
                    assert.equal(clb.inputs.loadBalancerPassToTarget, true);
                    assert.deepEqual(clb.inputs.securityGroups, [`${run.spec.name}-network-sg-internal-api-id`], clb.name);
                    const rules = run.rec.ofType(T("SecurityGroupRuleSet")).find((r) => r.name.endsWith("-sg-internal-api-rules"))!.inputs.ingresses;
                    assert.deepEqual(rules.map((r: any) => [r.cidrBlock, r.port, r.action]),
                        [[run.spec.network.vpcCidr, String(run.spec.apiEndpoint.port), "ACCEPT"], ...run.spec.network.adminCidrs.map((c) => [c, String(run.spec.apiEndpoint.port), "ACCEPT"]), ["0.0.0.0/0", "all", "DROP"]]);
                }
            });

            it("puts every master behind the endpoint", function () {
                if (run.plan.endpoint.kind !== "clb") {
                    const lvsPublic = run.plan.endpoint.publicAccess && run.plan.endpoint.kind === "lvs-haproxy";
                    assert.equal(count(run.rec, T("ClbAttachment")), lvsPublic ? 1 : 0);
                    if (lvsPublic) {
                        // The public CLB's backends are the HAProxy machines by instance id (a documented backend), never the HAVIP by address.
                        const targets = run.rec.ofType(T("ClbAttachment"))[0].inputs.targets;
                        assert.deepEqual(targets.map((t: any) => t.instanceId), nodes("haproxy").map((m) => `${m.name}-id`));
                        assert.ok(targets.every((t: any) => t.eniIp === undefined && t.port === run.plan.endpoint.port));
                    }
                    return;
                }
                const attachment = run.rec.ofType(T("ClbAttachment")).find((a) => !a.name.includes("public"))!;
                assert.deepEqual(attachment.inputs.targets.map((t: any) => t.instanceId), nodes("master").map((m) => `${m.name}-id`));
                assert.ok(attachment.inputs.targets.every((t: any) => t.port === run.plan.endpoint.port));
            });

            it("delivers secrets only over SSH, and every join carries the endpoint, token and CA pin", async () => {
                const secrets = await value(run.out.workerJoinCommand as pulumi.Output<string>);
                const [, token, hash] = /--token (\S+) --discovery-token-ca-cert-hash (\S+)/.exec(secrets)!;
                assert.match(token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
                assert.match(hash, /^sha256:[0-9a-f]{64}$/);
                assert.ok(secrets.includes(`${run.plan.endpoint.dnsName}:${run.plan.endpoint.port}`));
                for (const n of [...nodes("master"), ...nodes("worker")]) {
                    const cmd = byName(run.rec, COMMAND, `${n.name}-secrets`);
                    assert.ok(isWireSecret(cmd.wireInputs.stdin), `${n.name}: the secret files travel as a secret`);
                    const files = scriptFiles(plain(cmd.inputs.stdin));
                    const kubeadm = files.get(n.name === nodes("master")[0].name ? "/etc/kubernetes/kubeadm/init.yaml" : "/etc/kubernetes/kubeadm/join.yaml")!;
                    assert.ok(kubeadm.includes(token), `${n.name}: token`);
                    if (n.name !== nodes("master")[0].name) {
                        assert.ok(kubeadm.includes(hash), `${n.name}: CA pin`);
                    }
                    const ui = plain(byName(run.rec, T("Instance"), n.name).inputs.userDataRaw) as string;
                    assert.ok(!ui.includes(token), `${n.name}: no token in user-data`);
                }
                for (const key of ["kubeconfig", "workerJoinCommand", "controlPlaneJoinCommand"]) {
                    assert.ok(await isSecret(run.out[key]), `${key} is secret`);
                }
                assert.equal(run.out.sshPrivateKey, undefined, "the deploy key (root on every machine) is no stack output");
            });

            it("pins every machine's SSH host key: made by Pulumi, installed by its user-data (a secret input), verified by every command and by the bastion hop", async () => {
                const publicKey = new Map<string, string>();
                for (const n of run.plan.nodes) {
                    const key = run.rec.ofType(HOST_KEY).filter((r) => r.name.endsWith(`-${n.name}-host-key`));
                    assert.equal(key.length, 1, `${n.name}: one host key`);
                    assert.equal(key[0].inputs.algorithm, "ED25519");
                    const instance = byName(run.rec, T("Instance"), n.name);
                    assert.ok(isWireSecret(instance.wireInputs.userDataRaw), `${n.name}: user-data with a private key is secret`);
                    const doc = parse(plain(instance.inputs.userDataRaw).replace(/^#cloud-config\n/, ""));
                    assert.equal(doc.ssh_deletekeys, true, `${n.name}: the image's own host keys are deleted`);
                    assert.deepEqual(doc.ssh_genkeytypes, ["ed25519"], `${n.name}: no other type is generated`);
                    assert.match(doc.ssh_keys.ed25519_private, /^-----BEGIN FAKE OPENSSH KEY-----\n/);
                    assert.match(doc.ssh_keys.ed25519_public, /^ssh-ed25519 [0-9a-f]{40} /);
                    publicKey.set(n.privateIp, doc.ssh_keys.ed25519_public);
                }
                const bastion = run.plan.nodes.find((n) => n.role === "bastion")!;
                const commands = run.rec.ofType(COMMAND);
                assert.ok(commands.length > 0);
                for (const c of commands) {
                    const conn = withoutSecrets(c.inputs.connection);
                    assert.equal(conn.hostKey?.trim(), publicKey.get(conn.host), `${c.name}: pins ${conn.host}'s host key`);
                    assert.equal(conn.proxy.hostKey?.trim(), publicKey.get(bastion.privateIp), `${c.name}: pins the bastion's host key`);
                }
                const snapshot = await value<any>(run.out.changeGuardSnapshot);
                assert.deepEqual(snapshot.pinnedHostKeys, run.plan.nodes.map((n) => n.name), "recorded: every machine is pinned");
            });

            it("keeps secrets out of the deployment log: no print by kubeadm, outputs secret, quiet secret installers, a fresh certificate key per master", async () => {
                const commands = run.rec.ofType(COMMAND);
                for (const c of commands) {
                    assert.deepEqual([...c.additionalSecretOutputs].sort(), ["connection", "stderr", "stdout"], `${c.name}: output kept secret in the state`);
                    assert.doesNotMatch(String(c.inputs.create), /\b[a-z0-9]{6}\.[a-z0-9]{16}\b|[0-9a-f]{64}/, `${c.name}: no token or key on a command line`);
                    const secretStdin = isWireSecret(c.wireInputs.stdin);
                    assert.equal(c.inputs.logging, secretStdin ? "stderr" : undefined, `${c.name}: ${secretStdin ? "secret stdin: stderr only" : "logged"}`);
                }
                const [first, ...joining] = nodes("master");
                assert.match(byName(run.rec, COMMAND, `${first.name}-kubeadm-init`).inputs.create, /--upload-certs --skip-token-print --skip-certificate-key-print$/);
                const keys = new Set<string>();
                for (const m of joining) {
                    const upload = byName(run.rec, COMMAND, `${first.name}-upload-certs-for-${m.name}`);
                    assert.ok(isWireSecret(upload.wireInputs.stdin), `${m.name}: its key travels as a secret`);
                    const [, key] = /^CERT_KEY=([0-9a-f]{64})\n/.exec(plain(upload.inputs.stdin))!;
                    assert.ok(plain(upload.inputs.stdin).endsWith(SCRIPTS.uploadCerts.content));
                    const join = scriptFiles(plain(byName(run.rec, COMMAND, `${m.name}-secrets`).inputs.stdin)).get("/etc/kubernetes/kubeadm/join.yaml")!;
                    assert.equal(parse(join).controlPlane.certificateKey, key, `${m.name} joins with the key master-0 uploads under`);
                    keys.add(key);
                }
                const init = parse(scriptFiles(plain(byName(run.rec, COMMAND, `${first.name}-secrets`).inputs.stdin)).get("/etc/kubernetes/kubeadm/init.yaml")!.split("\n---\n")[0]);
                keys.add(init.certificateKey);
                assert.equal(keys.size, joining.length + 1, "a key per upload: init's and one per joining master");
            });

            it("backs etcd up: a kept, versioned bucket with lifecycle retention, a CVM role on the members and masters only, files and key as secrets", async () => {
                const { rec, spec, plan } = run;
                const members = plan.nodes.filter((n) => n.etcdMember);
                const [bucket] = rec.ofType(T("CosBucket"));
                assert.equal(bucket.inputs.bucket, `${spec.name}-etcd-backup-1250000000`, "name with the account's appid (getUserInfo)");
                assert.equal(bucket.inputs.versioningEnable, true);
                assert.equal(bucket.inputs.encryptionAlgorithm, "AES256", "SSE-COS: snapshots encrypted at rest");
                assert.equal(bucket.inputs.acl, "private");
                assert.equal(bucket.retainOnDelete, spec.backup.keepBucketOnDestroy);
                assert.equal(bucket.inputs.forceClean, !spec.backup.keepBucketOnDestroy, "a bucket that destroy deletes is emptied first");
                assert.deepEqual(bucket.inputs.lifecycleRules.map((r: any) => [r.filterPrefix, r.nonCurrentExpiration.nonCurrentDays]),
                    [["snapshots/", 1], ["daily/", spec.backup.keepDailyDays], ["config/", spec.backup.keepDailyDays]], "an overwritten daily or archive stays for the whole retention");
                assert.deepEqual(bucket.inputs.lifecycleRules.map((r: any) => [r.filterPrefix, r.expiration.days]),
                    [["snapshots/", spec.backup.keepAllHours / 24], ["daily/", spec.backup.keepDailyDays], ["config/", spec.backup.keepDailyDays]]);
                const role = rec.ofType(T("CamRole"))[0];
                const policy = rec.ofType(T("CamPolicy"))[0];
                assert.equal(role.inputs.name, `${spec.name}-etcd-backup-${spec.region}`);
                assert.deepEqual(JSON.parse(role.inputs.document).statement[0].principal, { service: ["cvm.qcloud.com"] });
                assert.deepEqual(JSON.parse(policy.inputs.document).statement[0].resource, ["snapshots", "daily", "config"].map((p) => `qcs::cos:${spec.region}:uid/1250000000:${bucket.inputs.bucket}/${p}/${spec.name}/*`),
                    "objects of this cluster only");
                const attachment = rec.ofType(T("CamRolePolicyAttachment"))[0];
                assert.deepEqual([attachment.inputs.roleId, attachment.inputs.policyId], [`${role.name}-id`, `${policy.name}-id`]);
                for (const n of plan.nodes) {
                    const i = byName(rec, T("Instance"), n.name);
                    assert.equal(i.inputs.camRoleName, n.etcdMember || n.role === "master" ? role.inputs.name : undefined, `${n.name}: the backup role on etcd members and masters only`);
                    assert.ok(!(plain(i.inputs.userDataRaw) as string).includes("etcd-backup.sh"), `${n.name}: no backup script in user-data`);
                }
                for (const m of members) {
                    const cmd = byName(rec, COMMAND, `${m.name}-etcd-backup`);
                    assert.ok(isWireSecret(cmd.wireInputs.stdin), `${m.name}: the backup files travel as a secret`);
                    const last = m.role === "etcd" ? "etcd-upgrade" : "upgrade";
                    assert.ok(cmd.dependencies.includes(byName(rec, COMMAND, `${m.name}-${last}`).urn), `${m.name}: after its member's last step (${last})`);
                    assert.match(cmd.inputs.create, /^sudo bash -s && sudo bash \/usr\/local\/lib\/kubeadm-ha\/enable-etcd-backups\.sh kubeadm-ha-etcd-backup\.timer kubeadm-ha-config-archive\.timer$/);
                    const files = scriptFiles(plain(cmd.inputs.stdin));
                    assert.equal(files.get("/etc/kubeadm-ha/etcd-backup.env"), `BACKUP_BUCKET=${bucket.inputs.bucket}\n`);
                    assert.match(files.get("/etc/kubeadm-ha/rclone.conf")!, /^env_auth = true$/m);
                    assert.match(files.get("/etc/systemd/system/kubeadm-ha-etcd-backup.service")!, new RegExp(`^ExecStart=/bin/bash /usr/local/lib/kubeadm-ha/with-cvm-role\\.sh http://metadata\\.tencentyun\\.com/latest/meta-data ${role.inputs.name} /bin/bash /usr/local/lib/kubeadm-ha/etcd-backup\\.sh `, "m"));
                    assert.equal(files.get("/etc/kubeadm-ha/etcd-backup.key")!.trim(), await value(run.out.backupArchiveKey as pulumi.Output<string>));
                }
                // With external etcd each master archives its own keys; with stacked etcd the members' backup does.
                for (const m of nodes("master").filter((n) => !n.etcdMember)) {
                    const cmd = byName(rec, COMMAND, `${m.name}-config-archive`);
                    assert.ok(isWireSecret(cmd.wireInputs.stdin), `${m.name}: the archive files travel as a secret`);
                    const files = scriptFiles(plain(cmd.inputs.stdin));
                    assert.match(files.get("/etc/systemd/system/kubeadm-ha-config-archive.service")!, new RegExp(`^ExecStart=/bin/bash /usr/local/lib/kubeadm-ha/with-cvm-role\\.sh \\S+ ${role.inputs.name} /bin/bash /usr/local/lib/kubeadm-ha/config-archive\\.sh .* /etc/kubernetes/pki /etc/kubernetes/kubeadm /etc/kubernetes/encryption$`, "m"));
                    assert.equal(files.get("/etc/kubeadm-ha/etcd-backup.key")!.trim(), await value(run.out.backupArchiveKey as pulumi.Output<string>));
                    assert.ok(!files.has("/etc/systemd/system/kubeadm-ha-etcd-backup.service"), `${m.name} takes no snapshots`);
                }
                assert.equal(rec.ofType(COMMAND).filter((c) => c.name.endsWith("-config-archive")).length, spec.etcd.topology === "external" ? nodes("master").length : 0);
                assert.ok(await isSecret(run.out.backupArchiveKey), "the archive key output is secret");
                assert.equal(await value(run.out.backupBucket as pulumi.Output<string>), bucket.inputs.bucket);
            });

            it("joins masters one at a time and workers right after master-0", () => {
                const deps = (name: string) => byName(run.rec, COMMAND, name).dependencies;
                const urnOf = (name: string) => byName(run.rec, COMMAND, name).urn;
                const [first, ...others] = nodes("master");
                let previous = urnOf(`${first.name}-kubeadm-init`);
                for (const m of others) {
                    assert.ok(deps(`${first.name}-upload-certs-for-${m.name}`).includes(previous), `${m.name} waits for the previous master`);
                    previous = urnOf(`${m.name}-use-local-apiserver`);
                }
                for (const w of nodes("worker")) {
                    const local = run.rec.resources.find((r) => r.type === COMMAND && r.name === `${w.name}-use-local-apiserver`);
                    assert.equal(Boolean(local), run.plan.endpoint.kind === "node-local-proxy", `${w.name}: switches to its node-local proxy only with one`);
                    if (local) {
                        assert.ok(local.dependencies.includes(urnOf(`${w.name}-kubeadm-join`)), `${w.name}: after its join`);
                    }
                    const d = deps(`${w.name}-kubeadm-join`);
                    assert.ok(d.includes(urnOf(`${first.name}-bootstrap-token-for-${w.name}`)), `${w.name}: joins once master-0 has checked the bootstrap token`);
                    const token = byName(run.rec, COMMAND, `${first.name}-bootstrap-token-for-${w.name}`);
                    assert.equal(token.inputs.stdin, SCRIPTS.ensureBootstrapToken.content, "the token script arrives on stdin");
                    assert.ok(d.includes(urnOf(`${first.name}-kubeadm-init`)));
                    assert.ok(!others.some((m) => d.includes(urnOf(`${m.name}-kubeadm-join`))), "workers never wait on later masters");
                    assert.ok(!d.some((u) => u.includes("-kubeadm-join") && !u.endsWith(`${w.name}-kubeadm-join`)), "or on each other");
                }
            });

            it("rolls an upgrade in kubeadm's order: etcd members one by one, master-0's apply after every join, the other masters one by one, then the workers a batch at a time", () => {
                const cmd = (name: string) => byName(run.rec, COMMAND, name);
                const after = (name: string, before: string, why: string) => assert.ok(cmd(name).dependencies.includes(cmd(before).urn), `${name} after ${before}: ${why}`);
                const version = run.spec.kubernetes.version;
                const [first, ...others] = nodes("master");
                const members = nodes("etcd");
                const { etcdImage } = renderContext(run.spec, run.plan);
                for (const [i, m] of members.entries()) {
                    const step = cmd(`${m.name}-etcd-upgrade`);
                    assert.equal(step.inputs.create, upgradeEtcdMember(etcdImage, members[members.length - 1].hostname));
                    assert.equal(step.inputs.stdin, UPGRADE_SCRIPTS.etcdUpgrade.content);
                    assert.deepEqual(step.inputs.triggers, [etcdImage], "reruns when the etcd image changes, and only then");
                    after(step.name, `${m.name}-etcd-start`, "its member runs");
                    after(step.name, `${first.name}-kubeadm-init`, "the cluster exists");
                    if (i > 0) {
                        after(step.name, `${members[i - 1].name}-etcd-upgrade`, "one member at a time");
                    }
                }
                const modes = (n: { name: string; hostname: string }, mode: string) => {
                    const step = cmd(`${n.name}-upgrade`);
                    assert.match(step.inputs.create, new RegExp(`^sudo bash -s -- ${mode} ${version.replace(/\./g, "\\.")} ${n.hostname} https://\\S+:${run.plan.endpoint.port} ${run.plan.endpoint.dnsName}$`), step.name);
                    assert.equal(step.inputs.stdin, UPGRADE_SCRIPTS.kubeadmUpgrade.content);
                    assert.deepEqual(step.inputs.triggers, [version], "reruns when the version changes");
                    return step;
                };
                modes(first, "apply");
                after(`${first.name}-upgrade`, others.length ? `${others[others.length - 1].name}-use-local-apiserver` : `${first.name}-kubeadm-init`, "every master's join steps first");
                if (members.length) {
                    after(`${first.name}-upgrade`, `${members[members.length - 1].name}-etcd-upgrade`, "etcd first");
                }
                after(`${first.name}-addons`, `${first.name}-upgrade`, "kubeadm upgrade apply puts its CoreDNS back; the add-ons follow");
                assert.deepEqual(cmd(`${first.name}-addons`).inputs.triggers.slice(-1), [version]);
                let previous = `${first.name}-upgrade`;
                for (const m of others) {
                    modes(m, "node");
                    after(`${m.name}-upgrade`, previous, "one master at a time");
                    previous = `${m.name}-upgrade`;
                }
                const workers = nodes("worker");
                const size = workerBatch(workers.length);
                for (const [i, w] of workers.entries()) {
                    const drain = cmd(`${first.name}-drain-${w.name}`);
                    assert.equal(drain.inputs.create, drainNode("drain", w.hostname, version));
                    const local = run.plan.endpoint.kind === "node-local-proxy";
                    after(drain.name, `${w.name}-${local ? "use-local-apiserver" : "kubeadm-join"}`, "a joined worker");
                    const batchStart = i - (i % size);
                    if (batchStart === 0) {
                        after(drain.name, previous, "after every master");
                    } else {
                        for (const p of workers.slice(batchStart - size, batchStart)) {
                            after(drain.name, `${first.name}-uncordon-${p.name}`, "after the batch before");
                        }
                    }
                    for (const p of workers.slice(batchStart, i)) {
                        assert.ok(!drain.dependencies.includes(cmd(`${first.name}-uncordon-${p.name}`).urn), `${w.name} drains together with ${p.name}`);
                    }
                    modes(w, "worker");
                    after(`${w.name}-upgrade`, drain.name, "drained first");
                    assert.equal(cmd(`${first.name}-uncordon-${w.name}`).inputs.create, drainNode("uncordon", w.hostname, version));
                    after(`${first.name}-uncordon-${w.name}`, `${w.name}-upgrade`, "uncordoned once upgraded");
                }
            });

            it("makes every master's apiserver use the installed encryption keys, one master after the other, again whenever the key list changes", async () => {
                const urnOf = (name: string) => byName(run.rec, COMMAND, name).urn;
                let previous: string | undefined;
                let trigger: unknown;
                for (const m of nodes("master")) {
                    const cmd = byName(run.rec, COMMAND, `${m.name}-encryption-reload`);
                    assert.equal(cmd.inputs.create, reloadEncryption(run.plan.endpoint.port));
                    assert.equal(cmd.inputs.stdin, ENCRYPTION_SCRIPTS.reloadEncryption.content, "the script arrives on stdin");
                    assert.ok(cmd.dependencies.includes(urnOf(`${m.name}-secrets`)), `${m.name}: after its secret files`);
                    if (previous) {
                        assert.ok(cmd.dependencies.includes(previous), `${m.name}: after the previous master's reload`);
                    }
                    previous = cmd.urn;
                    trigger ??= cmd.inputs.triggers[0];
                    assert.equal(cmd.inputs.triggers[0], trigger, "one trigger for every master");
                }
                const installed = parse(scriptFiles(plain(byName(run.rec, COMMAND, `${nodes("master")[0].name}-secrets`).inputs.stdin)).get("/etc/kubernetes/encryption/config.yaml")!);
                const digest = (config: unknown) => createHash("sha256").update(JSON.stringify(config)).digest("hex");
                assert.equal(trigger, digest(installed), `the digest of the installed encryption configuration (not its keys): ${JSON.stringify(installed)}`);
                const keys = installed.resources[0].providers[0].secretbox.keys;
                assert.deepEqual(keys.map((k: { name: string }) => k.name), ["key1"]);
                assert.ok(!String(trigger).includes(keys[0].secret));
                installed.resources[0].providers[0].secretbox.keys = [...keys, { name: "key2", secret: keys[0].secret }];
                assert.notEqual(trigger, digest(installed), "another key list, another trigger");
            });
        });
    }

    it("adds two workers and changes nothing else when a pool grows from 3 to 5", async () => {
        const before = await runStack("prod", (c) => { c.workerPools[0].count = 3; });
        const snapshot = new Map(before.rec.resources.map((r) => [r.urn, r]));
        const after = await runStack("prod", (c) => { c.workerPools[0].count = 5; });
        const added = after.rec.resources.filter((r) => !snapshot.has(r.urn));
        assert.deepEqual(added.map((r) => `${r.type} ${r.name}`).sort(), [
            `${COMMAND} prod-general-3-kubeadm-join`, `${COMMAND} prod-general-3-ready`, `${COMMAND} prod-general-3-secrets`, `${COMMAND} prod-general-3-upgrade`,
            `${COMMAND} prod-general-4-kubeadm-join`, `${COMMAND} prod-general-4-ready`, `${COMMAND} prod-general-4-secrets`, `${COMMAND} prod-general-4-upgrade`,
            `${COMMAND} prod-master-0-bootstrap-token-for-prod-general-3`, `${COMMAND} prod-master-0-bootstrap-token-for-prod-general-4`,
            `${COMMAND} prod-master-0-drain-prod-general-3`, `${COMMAND} prod-master-0-drain-prod-general-4`,
            `${COMMAND} prod-master-0-remove-prod-general-3`, `${COMMAND} prod-master-0-remove-prod-general-4`,
            `${COMMAND} prod-master-0-uncordon-prod-general-3`, `${COMMAND} prod-master-0-uncordon-prod-general-4`,
            `${T("Instance")} prod-general-3`, `${T("Instance")} prod-general-4`,
            `${HOST_KEY} prod-pki-prod-general-3-host-key`, `${HOST_KEY} prod-pki-prod-general-4-host-key`,
        ]);
        const changed = after.rec.resources.filter((r: RecordedResource) => snapshot.has(r.urn) && JSON.stringify(r.inputs) !== JSON.stringify(snapshot.get(r.urn)!.inputs));
        assert.deepEqual(changed.map((r) => r.name), [], "no existing resource changes its inputs");
        assert.equal(after.rec.resources.length - before.rec.resources.length, added.length, "nothing disappears");
    });

    it("a cluster deployed before host keys were pinned: its machines keep their user-data and stay unverified, a new worker is pinned, and the next update agrees", async () => {
        const doc = stackFile("prod-keepalived");
        const first = await previewStack(doc, "prod-keepalived");
        const older = { ...await value<any>(first.outputs.changeGuardSnapshot), pinnedHostKeys: undefined };
        const pool = doc.config["kubeadm-ha:cluster"].workerPools[0];
        const added = `prod-ka-${pool.name}-${pool.count}`;
        const grown = { config: { ...doc.config, "kubeadm-ha:cluster": { ...doc.config["kubeadm-ha:cluster"], workerPools: [{ ...pool, count: pool.count + 1 }] } } };
        const pins = async (snapshot: any) => {
            const p = await previewStack(grown, "prod-keepalived", { changeGuardSnapshot: snapshot });
            const keyed = p.recorder.ofType(T("Instance")).filter((i) => plain(i.inputs.userDataRaw).includes("ssh_keys:")).map((i) => i.name);
            const verified = new Set(p.recorder.ofType(COMMAND).filter((c) => withoutSecrets(c.inputs.connection).hostKey).map((c) => c.name.replace(/-(ready|secrets|kubeadm-join|upgrade)$/, "")));
            return { keyed, verified: [...verified], snapshot: await value<any>(p.outputs.changeGuardSnapshot), keys: p.recorder.ofType(HOST_KEY).filter((k) => k.name.endsWith("-host-key")).map((k) => k.name) };
        };
        const once = await pins(older);
        assert.deepEqual(once.keyed, [added], "only the new machine boots with a host key");
        assert.deepEqual(once.verified, [added], "only its commands pin one");
        assert.deepEqual(once.keys, [`prod-ka-pki-${added}-host-key`]);
        assert.deepEqual(once.snapshot.pinnedHostKeys, [added], "recorded for the next update");
        const again = await pins(once.snapshot);
        assert.deepEqual([again.keyed, again.verified, again.snapshot.pinnedHostKeys], [once.keyed, once.verified, once.snapshot.pinnedHostKeys], "the next update changes nothing");
    });

    it("gives a new cluster's HAVIP a switch range of its VRRP machines; a HAVIP deployed without one keeps it off (ForceNew), and the snapshot says so", async () => {
        for (const [stack, role] of [["prod-keepalived", "lb"], ["prod-lvs", "lvs"]] as const) {
            const fresh = await runStack(stack);
            const havip = fresh.rec.ofType(T("HaVip"))[0];
            assert.equal(havip.inputs.checkAssociate, true, `${stack}: only associated machines may claim the VIP`);
            const attached = fresh.rec.ofType(T("HaVipInstanceAttachment"));
            const vrrp = fresh.plan.nodes.filter((n) => n.role === role);
            assert.deepEqual(attached.map((a) => a.inputs.instanceId).sort(), vrrp.map((n) => `${n.name}-id`).sort(), `${stack}: the ${role} machines, no other`);
            assert.ok(attached.every((a) => a.inputs.haVipId === `${havip.name}-id` && a.inputs.instanceType === "CVM"));
            const snapshot = await value<any>(fresh.out.changeGuardSnapshot);
            assert.equal(snapshot.endpoint.switchRange, true);
            const older = { ...snapshot, endpoint: { ...snapshot.endpoint, switchRange: undefined } };
            const p = await previewStack(stackFile(stack), stack, { changeGuardSnapshot: older });
            assert.equal(p.recorder.ofType(T("HaVip"))[0].inputs.checkAssociate, undefined, `${stack}: a deployed HAVIP is not replaced`);
            assert.equal(p.recorder.ofType(T("HaVipInstanceAttachment")).length, 0);
            assert.equal((await value<any>(p.outputs.changeGuardSnapshot)).endpoint.switchRange, false, "recorded, so the next update agrees");
        }
        assert.equal((await runStack("prod")).rec.ofType(T("HaVip")).length, 0, "a CLB endpoint has no HAVIP");
    });

    it("network.etcdEgressCidrs: the etcd members' group sends only where the plan says; the masters' stays open", async () => {
        const run = await runStack("prod", (c) => { c.network.etcdEgressCidrs = ["198.18.0.0/24"]; });
        const egresses = (role: string) => run.rec.ofType(T("SecurityGroupRuleSet")).find((r) => r.name.endsWith(`-sg-${role}-rules`))!.inputs.egresses;
        assert.deepEqual(egresses("etcd").map((r: any) => [r.action, r.cidrBlock]),
            [["ACCEPT", run.spec.network.vpcCidr], ["ACCEPT", "169.254.0.23/32"], ["ACCEPT", "198.18.0.0/24"], ["DROP", "0.0.0.0/0"]]);
        assert.deepEqual(egresses("master"), [{ action: "ACCEPT", protocol: "ALL", port: "all", cidrBlock: "0.0.0.0/0", description: "all outbound" }]);
    });

    it("backup.enabled false: no bucket, CAM role or backup step; keepBucketOnDestroy false lets destroy delete the bucket", async () => {
        const off = await runStack("prod-stacked-local", (c) => { c.backup = { enabled: false }; });
        for (const t of ["CosBucket", "CamRole", "CamPolicy", "CamRolePolicyAttachment"]) {
            assert.equal(count(off.rec, T(t)), 0, t);
        }
        assert.ok(!off.rec.ofType(COMMAND).some((r) => r.name.endsWith("-etcd-backup")));
        assert.ok(off.rec.ofType(T("Instance")).every((i) => i.inputs.camRoleName === undefined));
        assert.equal(off.out.backupBucket, undefined);
        const test = await runStack("prod-stacked-local", (c) => { c.backup = { keepBucketOnDestroy: false }; });
        assert.equal(test.rec.ofType(T("CosBucket"))[0].retainOnDelete, false);
        assert.equal(test.rec.ofType(T("CosBucket"))[0].inputs.forceClean, true);
    });

    it("backup.replicaRegion: a versioned, encrypted copy of the bucket in that region, replicated by COS as the account, readable (not writable) by the members", async () => {
        const r = await runStack("prod", (c) => { c.backup = { replicaRegion: "ap-shanghai" }; });
        const buckets = r.rec.ofType(T("CosBucket"));
        const primary = buckets.find((b) => b.name.endsWith("-backup-bucket"))!;
        const replica = buckets.find((b) => b.name.endsWith("-backup-replica"))!;
        assert.equal(replica.inputs.bucket, "prod-etcd-replica-1250000000");
        assert.deepEqual([replica.inputs.versioningEnable, replica.inputs.encryptionAlgorithm, replica.inputs.acl], [true, "AES256", "private"]);
        assert.deepEqual(replica.inputs.lifecycleRules, primary.inputs.lifecycleRules, "the same retention");
        const provider = r.rec.resources.find((x) => x.type === "pulumi:providers:tencentcloud" && x.name.endsWith("-replica-region"))!;
        assert.equal(provider.inputs.region, "ap-shanghai");
        assert.ok(replica.provider?.startsWith(provider.urn), "the replica bucket is made in the replica's region");
        assert.equal(primary.inputs.replicaRole, "qcs::cam::uin/100000000001:uin/100000000001");
        assert.deepEqual(primary.inputs.replicaRules, [{ id: "to-ap-shanghai", status: "Enabled", prefix: "", destinationBucket: "qcs::cos:ap-shanghai::prod-etcd-replica-1250000000" }]);
        const doc = JSON.parse(r.rec.ofType(T("CamPolicy"))[0].inputs.document);
        const onReplica = doc.statement.filter((st: any) => st.resource.some((x: string) => x.includes("prod-etcd-replica-")));
        assert.deepEqual(onReplica.flatMap((st: any) => st.action).sort(), ["name/cos:GetBucket", "name/cos:GetObject", "name/cos:HeadObject"], "read only");
        const files = scriptFiles(plain(byName(r.rec, COMMAND, "prod-etcd-0-etcd-backup").inputs.stdin));
        assert.match(files.get("/etc/kubeadm-ha/rclone.conf")!, /^\[kubeadm-ha-backup-replica\]\ntype = s3\n[\s\S]*endpoint = cos\.ap-shanghai\.myqcloud\.com$/m);
        assert.equal(await value(r.out.backupReplicaBucket as pulumi.Output<string>), "prod-etcd-replica-1250000000");
        const none = await runStack("prod");
        assert.equal(none.rec.ofType(T("CosBucket")).length, 1);
        assert.equal(none.rec.ofType(T("CosBucket"))[0].inputs.replicaRules, undefined, "no replication unless asked");
    });

    it("adopts an existing VPC and subnets: no VPC, subnet or NAT is made and machines use the given subnets", async () => {
        const subnetIds = { "ap-guangzhou-3": "subnet-aaaa0003", "ap-guangzhou-4": "subnet-aaaa0004", "ap-guangzhou-6": "subnet-aaaa0006" };
        const { rec } = await runStack("prod", undefined, { "kubeadm-ha:existingNetwork": { vpcId: "vpc-existing1", subnetIds } });
        for (const t of ["Vpc", "Subnet", "NatGateway", "RouteTable", "RouteTableEntry"]) {
            assert.equal(count(rec, T(t)), 0, `${t} is not made`);
        }
        const etcd0 = byName(rec, T("Instance"), "prod-etcd-0").inputs;
        assert.equal(etcd0.subnetId, "subnet-aaaa0003");
        assert.equal(etcd0.vpcId, "vpc-existing1");
        assert.equal(count(rec, T("SecurityGroup")), 5, "security groups are still made: bastion, etcd, master, worker and the internal CLB's");
    });

    it("refuses to adopt a VPC without a subnet for every zone, before registering any resource", async () => {
        const rec = await installCloudMocks();
        const doc = stackFile("prod");
        assert.throws(() => new KubeadmCluster("prod", {
            cluster: doc.config["kubeadm-ha:cluster"], existingNetwork: { vpcId: "vpc-existing1", subnetIds: { "ap-guangzhou-3": "subnet-1" } },
        }), /existingSubnetIds: no subnet for zone\(s\) ap-guangzhou-4, ap-guangzhou-6/);
        await waitForRegistrations();
        assert.deepEqual(rec.custom().map((r) => r.name), []);
    });

    it("change guard: the program reads its last changeGuardSnapshot back and refuses 2 of 3 etcd members at once, before registering any resource", async () => {
        const first = await runStack("prod-keepalived");
        const deployed = await value<any>(first.out.changeGuardSnapshot);
        assert.deepEqual(deployed.nodes.filter((n: any) => n.etcdMember).map((n: any) => n.name), ["prod-ka-etcd-0", "prod-ka-etcd-1", "prod-ka-etcd-2"]);
        const resize = (names: string[]) => ({ ...deployed, nodes: deployed.nodes.map((n: any) => (names.includes(n.name) ? { ...n, instanceType: "S5.SMALL2" } : n)) });
        const doc = stackFile("prod-keepalived");
        await assert.rejects(previewStack(doc, "prod-keepalived", { changeGuardSnapshot: resize(["prod-ka-etcd-0", "prod-ka-etcd-1"]) }),
            /change guard refused it; nothing was changed.*etcd: got "prod-ka-etcd-0, prod-ka-etcd-1"; this update takes down 2 of 3 etcd members at once/s);
        const one = await previewStack(doc, "prod-keepalived", { changeGuardSnapshot: resize(["prod-ka-etcd-1"]) });
        assert.equal(one.recorder.custom().length, first.rec.custom().length, "restarting 1 of 3 members goes ahead");
        const allowed = await previewStack({ config: { ...doc.config, "kubeadm-ha:allowDisruptiveChange": true } }, "prod-keepalived",
            { changeGuardSnapshot: resize(["prod-ka-etcd-0", "prod-ka-etcd-1"]) });
        assert.equal(allowed.recorder.custom().length, first.rec.custom().length, "allowDisruptiveChange: warned, not refused");

        const rec = await installCloudMocks();
        assert.throws(() => new KubeadmCluster("prod-ka", { cluster: doc.config["kubeadm-ha:cluster"], previousSnapshot: resize(["prod-ka-etcd-0", "prod-ka-etcd-2"]) }),
            /takes down 2 of 3 etcd members at once/);
        await waitForRegistrations();
        assert.deepEqual(rec.custom().map((r) => r.name), [], "nothing registered");
    });

    it("a newer public image reinstalls nothing; a pinned one reaches the machines of kubeadm-ha:rollOut only, and never etcd or a master", async () => {
        const doc = stackFile("prod-keepalived");
        const first = await previewStack(doc, "prod-keepalived");
        const deployed = await value<any>(first.outputs.changeGuardSnapshot);
        assert.equal(deployed.image, "img-mock0001", "the first update records the image it looked up");
        const images = (p: Awaited<ReturnType<typeof previewStack>>) => Object.fromEntries(p.recorder.ofType("tencentcloud:index/instance:Instance").map((r) => [r.name, r.inputs.imageId]));
        // Tencent publishes a newer image: getImages now answers it first.
        const newer = await previewStack(doc, "prod-keepalived", { changeGuardSnapshot: deployed }, undefined, "img-mock0002");
        assert.ok(Object.values(images(newer)).every((id) => id === "img-mock0001"), "every machine keeps its image");
        assert.equal(newer.recorder.invokes.filter((c) => c.token === "tencentcloud:index/getImages:getImages").length, 0, "no lookup once recorded");
        // The user pins it: refused for the whole LB tier and all workers at once...
        const pinned = { config: { ...doc.config, "kubeadm-ha:imageId": "img-mock0002" } };
        await assert.rejects(previewStack(pinned, "prod-keepalived", { changeGuardSnapshot: deployed }), /lb: got "prod-ka-lb-0, prod-ka-lb-1"; this update takes down every lb machine \(2 of 2\) at once \(prod-ka-lb-0 reinstalled: image img-mock0001 -> img-mock0002/);
        // ...then one batch at a time.
        const batch = await previewStack({ config: { ...pinned.config, "kubeadm-ha:rollOut": "prod-ka-lb-0,prod-ka-general-0" } }, "prod-keepalived", { changeGuardSnapshot: deployed });
        const got = images(batch);
        assert.deepEqual(Object.keys(got).filter((n) => got[n] === "img-mock0002").sort(), ["prod-ka-general-0", "prod-ka-lb-0"]);
        const snap = await value<any>(batch.outputs.changeGuardSnapshot);
        assert.equal(snap.image, "img-mock0002");
        assert.deepEqual(snap.nodes.filter((n: any) => n.image === "img-mock0002").map((n: any) => n.name).sort(), ["prod-ka-general-0", "prod-ka-lb-0"], "recorded as they run");
    });

    it("warns at preview that the change guard is off when no previousSnapshot is given, and not when it is null", async () => {
        const warned = async (args: Record<string, unknown>) => {
            await installCloudMocks();
            const seen: string[] = [];
            const original = console.warn;
            console.warn = (...a: unknown[]) => void seen.push(a.join(" "));
            try {
                new KubeadmCluster("dev", { cluster: stackFile("dev").config["kubeadm-ha:cluster"], ...args });
                await waitForRegistrations();
            } finally {
                console.warn = original;
            }
            return seen.filter((m) => /change guard: off/.test(m));
        };
        const off = await warned({});
        assert.equal(off.length, 1);
        assert.match(off[0], /previousSnapshot: await readDeployedSnapshot\(\)/);
        assert.deepEqual(await warned({ previousSnapshot: null }), []);
    });

    it("reads the deployed snapshot back from the stack's own output: null before the first update, a clear error for a bad one", async () => {
        await installCloudMocks();
        assert.equal(await readDeployedSnapshot(), null);
        const { plan, spec } = planStackFile(stackFile("dev"), "dev");
        const deployed = { ...(await previewStack(stackFile("dev"), "dev")).outputs };
        const snapshot = await value<any>(deployed.changeGuardSnapshot);
        await installCloudMocks({}, { changeGuardSnapshot: snapshot });
        assert.deepEqual((await readDeployedSnapshot())!.nodes.map((n) => n.name), plan.nodes.map((n) => n.name));
        assert.equal(spec.name, "dev");
        await installCloudMocks({}, { kept: { nodes: "none" } });
        await assert.rejects(readDeployedSnapshot({ outputName: "kept" }), /the stack output kept of organization\/project\/stack/);
    });

    it("registers the Kubernetes layer when asked: CoreDNS spread over hosts and a PodDisruptionBudget", async () => {
        const rec = await installCloudMocks();
        const cluster = new KubeadmCluster("prod", { cluster: stackFile("prod").config["kubeadm-ha:cluster"], kubernetesLayer: true });
        await waitForRegistrations();
        const patch = rec.ofType("kubernetes:apps/v1:DeploymentPatch")[0];
        assert.equal(patch.inputs.spec.replicas, 3, "one CoreDNS per zone");
        assert.equal(patch.inputs.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, "kubernetes.io/hostname");
        assert.equal(rec.ofType("kubernetes:policy/v1:PodDisruptionBudget")[0].inputs.spec.minAvailable, 1);
        assert.ok(cluster.addons);
        assert.ok(await isSecret(cluster.kubeconfig));
    });
});
