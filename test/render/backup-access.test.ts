// How the etcd members reach the bucket: the bucket's lifecycle rules and the CAM documents
// (pure data), with-cvm-role.sh run for real with curl against a stand-in of Tencent's metadata
// service on loopback, then the real rclone uploading with the credentials it exported, through
// the rendered rclone configuration, to a stand-in S3 endpoint on loopback that records how the
// request was signed; and enable-etcd-backups.sh with stand-ins for apt-get and systemctl.

import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BACKUP_COS_ACTIONS, BACKUP_COS_BUCKET_ACTIONS, backupLifecycleRules, backupPolicyDocument, cvmTrustDocument } from "../../components/render/backup-bucket";
import { BACKUP_REMOTE, BACKUP_TIMER, ENABLE_BACKUPS_COMMAND, rcloneConfig } from "../../components/render/etcd-backup";
import { BACKUP_SCRIPTS } from "../../components/render/scripts-backup";
import { CONFIG_ARCHIVE_TIMER } from "../../components/render/config-archive";
import { missingPrograms, skipUnless } from "../helpers/skip";

const BACKUP = { enabled: true, intervalMinutes: 30, keepAllHours: 48, keepDailyDays: 30, keepBucketOnDestroy: true };

describe("etcd backups: the bucket's lifecycle rules and the CAM documents", () => {
    it("keeps every snapshot keepAllHours, dailies and config archives keepDailyDays, noncurrent versions briefly, unfinished uploads a day", () => {
        assert.deepEqual(backupLifecycleRules(BACKUP), [
            { id: "snapshots", filterPrefix: "snapshots/", expiration: { days: 2 }, nonCurrentExpiration: { nonCurrentDays: 1 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
            { id: "daily", filterPrefix: "daily/", expiration: { days: 30 }, nonCurrentExpiration: { nonCurrentDays: 30 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
            { id: "config", filterPrefix: "config/", expiration: { days: 30 }, nonCurrentExpiration: { nonCurrentDays: 30 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
        ]);
        const short = backupLifecycleRules({ ...BACKUP, keepAllHours: 24, keepDailyDays: 3 });
        assert.deepEqual(short.map((r) => [r.expiration.days, r.nonCurrentExpiration.nonCurrentDays]), [[1, 1], [3, 3], [3, 3]], "an overwritten daily is kept as long as the daily");
    });

    it("the role trusts only the CVM service, and the policy allows object reads and writes under this cluster's prefixes of one bucket, no delete", () => {
        assert.deepEqual(JSON.parse(cvmTrustDocument()), { version: "2.0", statement: [{ action: ["name/sts:AssumeRole"], effect: "allow", principal: { service: ["cvm.qcloud.com"] } }] });
        const policy = JSON.parse(backupPolicyDocument("ap-guangzhou", "1250000000", "prod-etcd-backup-1250000000", "prod"));
        const base = "qcs::cos:ap-guangzhou:uid/1250000000:prod-etcd-backup-1250000000";
        assert.deepEqual(policy.statement, [
            { action: [...BACKUP_COS_ACTIONS], effect: "allow", resource: [`${base}/snapshots/prod/*`, `${base}/daily/prod/*`, `${base}/config/prod/*`] },
            { action: [...BACKUP_COS_BUCKET_ACTIONS], effect: "allow", resource: [`${base}/*`] },
        ]);
        assert.ok([...BACKUP_COS_ACTIONS, ...BACKUP_COS_BUCKET_ACTIONS].every((a) => /^name\/cos:[A-Z]\w+$/.test(a) && !/Delete|Acl|Policy|Lifecycle|Versioning/.test(a)), "no delete, ACL, policy, lifecycle or versioning action");
        assert.ok(BACKUP_COS_BUCKET_ACTIONS.every((a) => !/Put|Get(Object)/.test(a)), "no object read or write on the whole bucket");
        assert.throws(() => backupPolicyDocument("ap-guangzhou", "125", "b-125", "prod"), /appid "125" \(10 digits\)/);
        assert.throws(() => backupPolicyDocument("ap-guangzhou", "1250000000", "other-1250000001", "prod"), /bucket "other-1250000001"/);
        assert.throws(() => backupPolicyDocument("ap-guangzhou", "1250000000", "prod-etcd-backup-1250000000", "*"), /cluster "\*"/);
    });
});

/** A loopback HTTP server answering with `handle`; closed by the returned function. */
async function serve(handle: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
    const server = http.createServer(handle);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** Runs a program to its end (bounded at 60 s) without blocking the event loop the stand-in servers run on. */
function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(cmd, args, { env, timeout: 60_000 });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
}

describe("with-cvm-role.sh and rclone against loopback stand-ins of the metadata service and COS", function () {
    this.timeout(120_000);
    const ROLE = "prod-etcd-backup-ap-guangzhou";
    const CREDS = { TmpSecretId: "AKIDtmpExample", TmpSecretKey: "tmpSecretKeyExample", Token: "tok/en+with=slashes", ExpiredTime: 1795000000, Code: "Success" };
    let dir: string;
    let script: string;
    let metadata: Awaited<ReturnType<typeof serve>>;
    const asked: string[] = [];

    before(async function () {
        skipUnless(this, missingPrograms("curl", "bash"));
        dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-cvm-role-"));
        script = path.join(dir, "with-cvm-role.sh");
        writeFileSync(script, BACKUP_SCRIPTS.withCvmRole.content, { mode: 0o755 });
        metadata = await serve((req, res) => {
            asked.push(req.url!);
            if (req.url === `/latest/meta-data/cam/security-credentials/${ROLE}`) {
                // JSON may escape "/" as "\/": the script must undo it.
                res.end(JSON.stringify(CREDS).replace(/\//g, "\\/"));
            } else if (req.url === "/latest/meta-data/cam/security-credentials/broken") {
                res.end(JSON.stringify({ Code: "Failed" }));
            } else {
                res.statusCode = 404;
                res.end("not found");
            }
        });
    });
    after(async () => {
        await metadata?.close();
        if (dir) {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("exports the role's temporary credentials for the command it runs, and prints none of them", async () => {
        const r = await runAsync("bash", [script, `${metadata.url}/latest/meta-data/`, ROLE, "bash", "-c", 'echo "$AWS_ACCESS_KEY_ID|$AWS_SECRET_ACCESS_KEY|$AWS_SESSION_TOKEN"']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.trim(), `${CREDS.TmpSecretId}|${CREDS.TmpSecretKey}|${CREDS.Token}`);
        assert.ok(asked.includes(`/latest/meta-data/cam/security-credentials/${ROLE}`), "asks for the role's path (the trailing slash of the URL is dropped)");
    });

    it("fails with exit 77 and says why when the role is not bound, or the answer has no credentials; never runs the command", async () => {
        for (const [role, why] of [["unbound", /no credentials for the CVM role unbound .*is the role bound to this instance/], ["broken", /answered without TmpSecretId, TmpSecretKey and Token \(Code: Failed\)/]] as const) {
            const r = await runAsync("bash", [script, `${metadata.url}/latest/meta-data`, role, "touch", path.join(dir, "ran")]);
            assert.equal(r.code, 77, r.stderr);
            assert.match(r.stderr, why);
            assert.doesNotMatch(r.stderr, /tmpSecretKeyExample/);
        }
        assert.equal(spawnSync("test", ["-e", path.join(dir, "ran")]).status, 1, "the command did not run");
        const usage = await runAsync("bash", [script, "x"]);
        assert.equal(usage.code, 64);
        assert.match(usage.stderr, /^# Usage: with-cvm-role\.sh/);
    });

    it("rclone, through the rendered configuration (env_auth), signs its upload with those credentials and the session token", async function () {
        skipUnless(this, missingPrograms("rclone"));
        const seen: { method: string; url: string; authorization?: string; token?: string }[] = [];
        const objects = new Map<string, Buffer>();
        const s3 = await serve((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c) => chunks.push(c));
            req.on("end", () => {
                seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, token: req.headers["x-amz-security-token"] as string | undefined });
                const stored = objects.get(req.url!);
                if (req.method === "PUT") {
                    objects.set(req.url!, Buffer.concat(chunks));
                    res.setHeader("ETag", `"${createHash("md5").update(Buffer.concat(chunks)).digest("hex")}"`);
                    res.end();
                } else if (req.method === "HEAD" && stored) {
                    res.setHeader("ETag", `"${createHash("md5").update(stored).digest("hex")}"`);
                    res.setHeader("Content-Length", stored.length);
                    res.setHeader("Last-Modified", new Date().toUTCString());
                    res.end();
                } else {
                    res.statusCode = 404;
                    res.end();
                }
            });
        });
        try {
            // The rendered COS configuration, pointed at the stand-in instead of cos.<region>.myqcloud.com.
            // rclone addresses COS buckets as host names (<bucket>.<endpoint>), which would need a DNS
            // lookup: the stand-in is reached path-style, as the generic S3 provider does. The
            // credentials (env_auth) are the S3 backend's, whatever the provider.
            const rendered = rcloneConfig({ kind: "cos", region: "ap-guangzhou", role: ROLE });
            const local = rendered.replace(/^provider = TencentCOS$/m, "provider = Other")
                .replace(/^endpoint = cos\.ap-guangzhou\.myqcloud\.com$/m, `endpoint = ${s3.url}\nforce_path_style = true`);
            assert.equal(local.split("\n").length, rendered.split("\n").length + 1, "two lines changed, one added");
            const conf = path.join(dir, "rclone.conf");
            writeFileSync(conf, local, { mode: 0o600 });
            const snapshot = path.join(dir, "snapshot.db");
            writeFileSync(snapshot, "etcd snapshot stand-in\n");
            // No AWS settings of this machine, no shared credentials file, and no EC2 metadata lookup
            // (169.254.169.254 is not ours to ask): env_auth then finds only what with-cvm-role.sh exports.
            const env = {
                ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("RCLONE_"))),
                AWS_EC2_METADATA_DISABLED: "true", AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "none"), AWS_CONFIG_FILE: path.join(dir, "none"),
            };
            const r = await runAsync("bash", [script, `${metadata.url}/latest/meta-data`, ROLE,
                "rclone", "--config", conf, "--retries", "1", "--low-level-retries", "1", "copyto", snapshot, `${BACKUP_REMOTE}:prod-etcd-backup-1250000000/snapshots/prod/x.db`], env);
            assert.equal(r.code, 0, r.stderr);
            const put = seen.find((q) => q.method === "PUT");
            assert.ok(put, `rclone uploaded: ${JSON.stringify(seen)}`);
            assert.equal(put.url, "/prod-etcd-backup-1250000000/snapshots/prod/x.db");
            assert.match(put.authorization!, new RegExp(`^AWS4-HMAC-SHA256 Credential=${CREDS.TmpSecretId}/\\d{8}/`), "signed with TmpSecretId");
            assert.equal(put.token, CREDS.Token, "with the session token");
            const without = await runAsync("rclone", ["--config", conf, "--retries", "1", "--low-level-retries", "1", "copyto", snapshot, `${BACKUP_REMOTE}:b/y.db`], env);
            assert.notEqual(without.code, 0, "the configuration holds no credentials of its own");
            assert.match(without.stderr, /NoCredentialProviders|no valid providers/i, without.stderr);
            assert.ok(!seen.some((q) => q.url.startsWith("/b/")), "nothing was sent without credentials");
        } finally {
            await s3.close();
        }
    });
});

describe("enable-etcd-backups.sh with stand-ins for apt-get and systemctl", () => {
    it("reloads systemd, installs rclone only when it is missing, then starts the installed timers; the component runs it after the files", function () {
        skipUnless(this, missingPrograms("bash"));
        assert.equal(ENABLE_BACKUPS_COMMAND, `sudo bash /usr/local/lib/kubeadm-ha/enable-etcd-backups.sh ${BACKUP_TIMER} ${CONFIG_ARCHIVE_TIMER}`);
        const dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-enable-"));
        try {
            const bin = path.join(dir, "bin");
            mkdirSync(bin);
            for (const tool of ["bash", "timeout", "sed", "env", "chmod"]) {
                symlinkSync(spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim(), path.join(bin, tool));
            }
            const log = path.join(dir, "calls");
            const stub = (name: string, body = "") => {
                writeFileSync(path.join(bin, name), `#!${path.join(bin, "bash")}\necho "${name} $*" >> ${log}\n${body}`);
                chmodSync(path.join(bin, name), 0o755);
            };
            // apt-get install fails until apt-get update ran (a fresh machine's empty lists), then provides rclone.
            stub("apt-get", `case "$1" in update) : > ${dir}/updated ;; install) [ -e ${dir}/updated ] || exit 100; printf '#!/bin/sh\\n' > ${bin}/rclone; chmod +x ${bin}/rclone ;; esac\n`);
            // Only the etcd member's timer is installed here (systemctl cat fails on the other one).
            stub("systemctl", `case "$1" in show) echo "Sun 2026-11-22 10:30:00 UTC" ;; cat) [ "$2" = ${BACKUP_TIMER} ] ;; esac\n`);
            const file = path.join(dir, "enable.sh");
            writeFileSync(file, BACKUP_SCRIPTS.enableBackups.content);
            const run = (timers = [BACKUP_TIMER, CONFIG_ARCHIVE_TIMER]) => spawnSync(path.join(bin, "bash"), [file, ...timers], { encoding: "utf8", env: { PATH: bin } });
            const first = run();
            assert.equal(first.status, 0, first.stderr);
            assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), [
                "systemctl daemon-reload", `systemctl cat ${BACKUP_TIMER}`, `systemctl cat ${CONFIG_ARCHIVE_TIMER}`,
                "apt-get install -y -q rclone", "apt-get update -q", "apt-get install -y -q rclone",
                `systemctl enable --now ${BACKUP_TIMER}`, `systemctl show -p NextElapseUSecRealtime --value ${BACKUP_TIMER}`,
            ]);
            assert.match(first.stdout, /kubeadm-ha-etcd-backup\.timer is active; next run Sun 2026-11-22 10:30:00 UTC/);
            writeFileSync(log, "");
            const again = run();
            assert.equal(again.status, 0, again.stderr);
            assert.ok(!readFileSync(log, "utf8").includes("apt-get"), "rclone present: no apt-get");
            const none = run([CONFIG_ARCHIVE_TIMER]);
            assert.equal(none.status, 78, "no timer installed is an error, not a silent success");
            assert.match(none.stderr, /none of kubeadm-ha-config-archive\.timer is installed/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
