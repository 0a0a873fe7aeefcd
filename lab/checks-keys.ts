// Check 18: a master's keys come back from the bucket alone. The rendered backup units upload
// their encrypted archives (external etcd: every master's own key archive; stacked: the etcd
// leader's backup, which archives that master's configuration), then one master's
// kube-apiserver is restarted with every file under /etc/kubernetes/pki and
// /etc/kubernetes/encryption taken from the newest archive of that master, opened with nothing
// but the escrowed archive key. It must serve with a certificate of the original CA, decrypt a
// Secret written before (the encryption key), accept a service-account token issued before (the
// service-account key) and the admin certificate (the client CA). The apiserver reads none of
// its keys from anywhere else (not the lost master's files, not the component PKI); the clients
// use what an operator kept (the CA certificate, the admin certificate, the token). Afterwards
// the master runs from its own files again.

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { BACKUP_SERVICE } from "../components/render/etcd-backup";
import { CONFIG_ARCHIVE_SERVICE, masterArchivePaths, takesConfigArchive } from "../components/render/config-archive";
import { OPEN_CONFIG_ARCHIVE } from "../components/render/scripts-backup";
import { stageBackupFiles, stagedServiceCommand } from "./backup-lab";
import type { CheckResult } from "./checks";
import { ClusterLab, restartApiserver } from "./cluster-lab";
import type { ControlPlaneMaster } from "./control-plane";
import { ExecResult, lastLine, secsFine as secs } from "./lab";


/** Runs every rendered backup unit that archives a master's files; returns the bucket's config archives. */
async function uploadArchives(c: ClusterLab, bucket: string, archiveKey: string): Promise<{ archives: string[]; failures: string[] }> {
    const failures: string[] = [];
    const secrets = { storage: { kind: "local" as const }, bucket, archiveKey };
    if (c.ctx.spec.etcd.topology === "external" && !c.masters.some((m) => takesConfigArchive(c.ctx, m.node))) {
        failures.push("no master archives its own keys (external etcd: the members' archives hold only their etcd PKI)");
    }
    const units = c.masters.filter((m) => takesConfigArchive(c.ctx, m.node)).map((m) => ({ node: m.node, host: m.host, root: m.root, service: CONFIG_ARCHIVE_SERVICE }))
        // Stacked: the members are the masters, and the leader's backup archives its configuration.
        .concat((c.ctx.spec.etcd.topology === "stacked" ? c.etcd : []).map((e) => ({ node: e.node, host: e.host, root: c.root(e.host), service: BACKUP_SERVICE })));
    for (const u of units) {
        const cmd = stagedServiceCommand(stageBackupFiles(c, u.node, u.root, secrets), u.root, u.service);
        const r = await u.host.exec(cmd[0], cmd.slice(1), 120_000);
        if (r.code !== 0) {
            failures.push(`${u.node.name} ${u.service} exit ${r.code}: ${lastLine(r)}`);
        }
    }
    const dir = path.join(bucket, "config", c.ctx.spec.name);
    return { archives: existsSync(dir) ? readdirSync(dir).sort() : [], failures };
}

/** The apiserver's command with every path under the archived directories moved into `restored`; the paths it still reads outside it. */
function restoredCommand(m: ControlPlaneMaster, restored: string): { command: string[]; outside: string[] } {
    const dirs = masterArchivePaths().map((d) => path.join(m.root, d));
    const command = m.commands["kube-apiserver"].map((a) => dirs.reduce((arg, d) => arg.split(d).join(path.join(restored, d)), a));
    const outside = command.filter((a) => dirs.some((d) => a.includes(d) && !a.includes(path.join(restored, d))));
    return { command, outside };
}

export async function keysFromBucket(c: ClusterLab, id: number): Promise<CheckResult> {
    const name = "a master's keys restored from the bucket and the archive key alone";
    if (!c.ctx.spec.backup.enabled) {
        return { id, check: name, expected: "-", measured: "backup.enabled is false: nothing rendered", status: "n/a" };
    }
    const expected = "the master's archive in the bucket opens with the escrowed key; its kube-apiserver, from those files only, serves under the original CA, decrypts a Secret and accepts a service-account token and the admin certificate issued before";
    const tag = randomBytes(3).toString("hex");
    const secret = `rehearse-keys-${tag}`;
    const value = `keys-${randomBytes(12).toString("hex")}`;
    const created = await c.kubectl(["-n", "default", "create", "secret", "generic", secret, `--from-literal=token=${value}`]);
    const token = await c.kubectl(["-n", "default", "create", "token", "default", "--duration=1h"]);
    if (created.code !== 0 || token.code !== 0) {
        return { id, check: name, expected, status: "fail", measured: `could not write the Secret (${lastLine(created)}) or issue a token (${lastLine(token)}) before the restore` };
    }

    const work = path.join(c.lab.dir, `keys-${tag}`);
    const bucket = path.join(work, "bucket");
    mkdirSync(bucket, { recursive: true });
    const archiveKey = randomBytes(24).toString("hex");
    // The operator's escrowed copy of the archive key: the only thing besides the bucket used below.
    const escrow = path.join(work, "escrowed-archive.key");
    writeFileSync(escrow, `${archiveKey}\n`, { mode: 0o600 });
    const uploaded = await uploadArchives(c, bucket, archiveKey);
    const archiveOf = (m: ControlPlaneMaster) => uploaded.archives.filter((a) => a.endsWith(`-${m.node.hostname}.tar.gpg`)).pop();
    const victim = [...c.masters].reverse().find((m) => archiveOf(m) !== undefined);
    if (!victim || uploaded.failures.length > 0) {
        return {
            id, check: name, expected, status: "fail",
            measured: `${uploaded.archives.length} archive(s) in the bucket (${uploaded.archives.join(", ") || "none"}), none from a master${uploaded.failures.length ? `; ${uploaded.failures.join("; ")}` : ""}`,
            values: { archives: uploaded.archives.length },
        };
    }
    const archive = path.join(bucket, "config", c.ctx.spec.name, archiveOf(victim)!);
    const restored = path.join(work, "restored");
    mkdirSync(restored);
    const opened = await c.client.exec("bash", ["-c", `set -o pipefail; ${OPEN_CONFIG_ARCHIVE} | tar -xzf - -C "$3"`, "-", escrow, archive, restored], 60_000);
    const { command, outside } = restoredCommand(victim, restored);
    if (opened.code !== 0 || outside.length > 0) {
        return { id, check: name, expected, status: "fail", measured: `${path.basename(archive)}: ${opened.code !== 0 ? `does not open: ${lastLine(opened)}` : `the apiserver would still read ${outside.join(", ")} from the lost master`}` };
    }

    const original = victim.commands["kube-apiserver"];
    const server = `https://${victim.node.privateIp}:${c.ctx.plan.endpoint.port}`;
    const started = Date.now();
    let results: ExecResult[] = [];
    try {
        await restartApiserver(c, victim, command);
        const kubeconfig = c.kubeconfig(server);
        results = await Promise.all([
            victim.host.exec("curl", ["-sf", "--max-time", "5", "--cacert", c.files.ca, `${server}/readyz`]),
            victim.host.exec("kubectl", [`--kubeconfig=${kubeconfig}`, "--request-timeout=10s", "-n", "default", "get", "secret", secret, "-o", "jsonpath={.data.token}"], 20_000),
            victim.host.exec("kubectl", [`--server=${server}`, `--certificate-authority=${c.files.ca}`, `--token=${token.stdout.trim()}`, "--request-timeout=10s", "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"], 20_000),
            victim.host.exec("kubectl", [`--kubeconfig=${kubeconfig}`, "--request-timeout=10s", "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"], 20_000),
        ]);
    } catch (e) {
        results = [{ code: 1, stdout: "", stderr: (e as Error).message.split("\n")[0] }];
    } finally {
        await restartApiserver(c, victim, original);
    }
    const ms = Date.now() - started;
    const [ready, read, sa, admin] = results;
    const served = ready?.code === 0 && ready.stdout === "ok";
    const decrypted = read?.code === 0 && Buffer.from(read.stdout, "base64").toString() === value;
    const saOk = sa?.code === 0 && sa.stdout === "system:serviceaccount:default:default";
    const adminOk = admin?.code === 0 && admin.stdout.length > 0;
    const show = (ok: boolean, what: string, r: ExecResult | undefined) => (ok ? what : `NOT ${what}: ${r ? lastLine(r) : "not reached"}`);
    return {
        id, check: name, expected,
        measured: `${uploaded.archives.length} archive(s) uploaded by the rendered units; ${victim.node.name}'s ${path.basename(archive)} opened with the escrowed key; its kube-apiserver from those files: ` +
            `${show(served, "ready under the original CA", ready)}, ${show(decrypted, "the Secret decrypted", read)}, ${show(saOk, "the earlier service-account token accepted", sa)}, ` +
            `${show(adminOk, `the admin certificate accepted (${admin?.stdout})`, admin)}; ${secs(ms)} from stop to its own files again`,
        status: served && decrypted && saOk && adminOk ? "pass" : "fail",
        values: { archives: uploaded.archives.length, served: served ? 1 : 0, decrypted: decrypted ? 1 : 0, serviceAccount: saOk ? 1 : 0, admin: adminOk ? 1 : 0, restoreMs: ms },
    };
}
