// The etcd backup and restore scripts, in the same form as scripts.ts: constant text, every
// parameter an argument, `set -euo pipefail`, checked by shellcheck in the tests. etcd-backup.ts
// renders the arguments each member passes.
//
// Which etcd tools run where: on a node, etcd is a static pod and the host has no etcdctl, so
// etcd-backup.sh runs etcdctl/etcdutl inside the running etcd container (`crictl exec`); the
// container mounts the data disk and the certificates at the host's paths, so the snapshot it
// writes under the scratch directory is the host's file. Where etcdctl is on the host (the
// rehearsal's test hosts, with the etcd built at the version we render) it is used directly: that
// is the branch the rehearsal proves with real etcd. etcd-restore.sh runs while the member is
// stopped, so there is no container to enter: it uses etcdutl from the host, else the etcdutl of
// the etcd image, mounted read-only with `ctr images mount` (that branch has not run here yet:
// the test hosts have no containerd).

import { IN_ETCD, script } from "./scripts";

/** How an operator opens a config archive: `bash -c "$OPEN_CONFIG_ARCHIVE" - <key file> <archive>` prints the tar. */
export const OPEN_CONFIG_ARCHIVE = 'GNUPGHOME="$(mktemp -d)" gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$1" --decrypt "$2"';

/** `rc`: rclone with the backup's configuration, bounded, with retries (etcd-backup.sh and config-archive.sh upload through it). */
const RCLONE = 'rc() { timeout 900 rclone --config "$conf" --contimeout 15s --timeout 60s --retries 3 --low-level-retries 5 "$@"; }';

/** Exits 78 naming what is missing when the rclone configuration, the archive key or the bucket was not installed. */
function requireBackupFiles(name: string): string {
    return `for f in "$conf" "$archive_key"; do
    if [ ! -s "$f" ]; then
        echo "${name}: $f is missing: the backup files were not installed on this node" >&2
        exit 78
    fi
done
if [ -z "$bucket" ]; then
    echo "${name}: no bucket given (BACKUP_BUCKET in /etc/kubeadm-ha/etcd-backup.env)" >&2
    exit 78
fi`;
}

export const BACKUP_SCRIPTS = {
    etcdBackup: script("etcd-backup.sh",
        "Usage: etcd-backup.sh <rclone.conf> <remote> <bucket> <cluster> <member> <endpoint> <ca> <cert> <key> <scratch-dir> <archive-key> <recipient key|-> <path>... On the etcd leader only (others exit 0): snapshot the local member into <scratch-dir>, verify it, encrypt it to <recipient key> (an OpenPGP public key; - for none), upload it to <remote>:<bucket>/snapshots/<cluster>/<UTC time>-<member>.db[.gpg] and, first each UTC day, daily/<cluster>/<date>.db[.gpg], and archive <path>... with config-archive.sh.", `
if [ "$#" -lt 13 ]; then
    sed -n 2p "$0" >&2
    exit 64
fi
conf="$1" remote="$2" bucket="$3" cluster="$4" member="$5" endpoint="$6" ca="$7" cert="$8" key="$9" scratch="\${10}" archive_key="\${11}" recipient="\${12}"
shift 12
if [ "$recipient" != - ] && [ ! -s "$recipient" ]; then
    echo "etcd-backup: the recipient key $recipient is missing: the backup files were not installed on this node" >&2
    exit 78
fi
${requireBackupFiles("etcd-backup")}
${IN_ETCD}
ctl() { timeout 600 "\${in_etcd[@]}" etcdctl --endpoints="$endpoint" --cacert="$ca" --cert="$cert" --key="$key" --dial-timeout=5s "$@"; }
# etcd 3.6 removed "etcdctl snapshot status": etcdutl has it (every etcd we render is 3.6+).
util=etcdutl
field() { grep -o "\\"$1\\":[0-9]*" | head -n 1 | cut -d: -f2 || true; }

status="$(ctl --command-timeout=10s endpoint status -w json)"
self="$(field member_id <<<"$status")"
leader="$(field leader <<<"$status")"
if [ -z "$self" ] || [ -z "$leader" ]; then
    echo "etcd-backup: cannot read the member status of $endpoint: $status" >&2
    exit 1
fi
if [ "$self" != "$leader" ]; then
    echo "etcd-backup: $member is not the etcd leader; the leader takes the backup"
    exit 0
fi

now="$(date -u +%s)"
stamp="$(date -u -d "@$now" +%Y%m%dT%H%M%SZ)"
day="$(date -u -d "@$now" +%F)"
install -d -m 0700 "$scratch"
work="$(mktemp -d "$scratch/run.XXXXXX")"
trap 'rm -rf "$work"; rmdir "$scratch" 2>/dev/null || true' EXIT
ctl --command-timeout=600s snapshot save "$work/snapshot.db" >/dev/null
verified="$(timeout 120 "\${in_etcd[@]}" "$util" snapshot status "$work/snapshot.db" -w json)"
revision="$(field revision <<<"$verified")"
keys="$(field totalKey <<<"$verified")"
if [ -z "$revision" ] || [ "\${keys:-0}" -le 0 ]; then
    echo "etcd-backup: the snapshot failed verification: $verified" >&2
    exit 1
fi

upload="$work/snapshot.db" ext=db
if [ "$recipient" != - ]; then
    # To a public key whose private half is offline: this node can write snapshots, not read them back.
    GNUPGHOME="$work/gnupg-recipient"
    export GNUPGHOME
    install -d -m 0700 "$GNUPGHOME"
    gpg --batch --quiet --trust-model always --recipient-file "$recipient" --output "$work/snapshot.db.gpg" --encrypt "$work/snapshot.db"
    rm -f "$work/snapshot.db"
    upload="$work/snapshot.db.gpg" ext=db.gpg
fi
${RCLONE}
target="$remote:$bucket"
rc copyto "$upload" "$target/snapshots/$cluster/$stamp-$member.$ext"
echo "etcd-backup: uploaded snapshots/$cluster/$stamp-$member.$ext (revision $revision, $keys keys)"
if [ -z "$(rc lsf "$target/daily/$cluster/$day.$ext" 2>/dev/null || true)" ]; then
    rc copyto "$upload" "$target/daily/$cluster/$day.$ext"
    echo "etcd-backup: uploaded daily/$cluster/$day.$ext"
fi
if [ "$#" -gt 0 ]; then
    bash "$(dirname "$0")/config-archive.sh" "$conf" "$remote" "$bucket" "$cluster" "$member" "$scratch" "$archive_key" "$@"
fi
`),

    configArchive: script("config-archive.sh",
        "Usage: config-archive.sh <rclone.conf> <remote> <bucket> <cluster> <member> <scratch-dir> <archive-key> <path>... Uploads <path>... (those that exist) as one tar, encrypted and authenticated with <archive-key> (gpg, AES-256), to <remote>:<bucket>/config/<cluster>/<UTC time>-<member>.tar.gpg.", `
if [ "$#" -lt 8 ]; then
    sed -n 2p "$0" >&2
    exit 64
fi
conf="$1" remote="$2" bucket="$3" cluster="$4" member="$5" scratch="$6" archive_key="$7"
shift 7
${requireBackupFiles("config-archive")}
paths=()
for p in "$@"; do
    if [ -e "$p" ]; then paths+=("\${p#/}"); else echo "config-archive: $p does not exist; not archived" >&2; fi
done
if [ "\${#paths[@]}" -eq 0 ]; then
    echo "config-archive: none of $* exists on $member: nothing to archive" >&2
    exit 1
fi
install -d -m 0700 "$scratch"
work="$(mktemp -d "$scratch/archive.XXXXXX")"
trap 'rm -rf "$work"; rmdir "$scratch" 2>/dev/null || true' EXIT
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
# gpg's symmetric encryption carries an integrity check: a changed archive fails to decrypt.
GNUPGHOME="$work/gnupg"
export GNUPGHOME
install -d -m 0700 "$GNUPGHOME"
tar -C / -czf - "\${paths[@]}" | gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$archive_key" --symmetric --cipher-algo AES256 -o "$work/config.tar.gpg"
${RCLONE}
rc copyto "$work/config.tar.gpg" "$remote:$bucket/config/$cluster/$stamp-$member.tar.gpg"
echo "config-archive: uploaded config/$cluster/$stamp-$member.tar.gpg (\${#paths[@]} paths, encrypted)"
`),

    etcdRestore: script("etcd-restore.sh",
        "Usage: etcd-restore.sh <snapshot> <new-token> <name> <initial-cluster> <peer-url> <data-dir> [<rclone.conf> [<etcd-image>]]. Restores THIS stopped etcd member from ONE snapshot; run with -h for the runbook.", `
if [ "$#" -lt 6 ] || [ "$1" = -h ]; then
    sed -n 2p "$0" >&2
    cat >&2 <<'RUNBOOK'
Every member must be restored from the SAME snapshot with the SAME new token: members restored
from their own snapshots form different clusters and the cluster breaks.
  <snapshot>         a file, or <remote>:<path> fetched with rclone (give <rclone.conf>)
  <new-token>        a new --initial-cluster-token, the same on every member
  <name>             this member's --name (its hostname)
  <initial-cluster>  EVERY member, name=https://<ip>:2380 joined with commas
  <peer-url>         this member's https://<ip>:2380
  <data-dir>         its --data-dir; the old one is moved to <data-dir>.before-restore.<time>
  <etcd-image>       the image: of /root/etcd.yaml (used when the host has no etcdutl)
Runbook (etcd is a static pod: the kubelet starts it from its manifest):
  1. every master: mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/
  2. every member: mv /etc/kubernetes/manifests/etcd.yaml /root/; wait until
     "crictl ps --name etcd" lists nothing
  3. every member, the same <snapshot> and <new-token>: etcd-restore.sh ... (name, peer URL
     and data dir are the flags in /root/etcd.yaml; a manifest kubeadm wrote for a joining
     member may list fewer members than <initial-cluster> needs)
  4. every member: mv /root/etcd.yaml /etc/kubernetes/manifests/; wait until every member
     is healthy (etcdctl endpoint health --cluster)
  5. every master: mv /root/kube-apiserver.yaml /etc/kubernetes/manifests/
RUNBOOK
    exit 64
fi
snapshot="$1" token="$2" name="$3" initial="$4" peer="$5" data="$6" conf="\${7:-}" image="\${8:-}"
case "$snapshot" in
    *.gpg)
        echo "etcd-restore: $snapshot is encrypted to the backups' offline key: decrypt it where that key is (gpg --output <file>.db --decrypt <file>.db.gpg), copy the .db to every member and give its path" >&2
        exit 65 ;;
esac
if curl -s -o /dev/null --max-time 2 http://127.0.0.1:2381/health; then
    echo "etcd-restore: etcd still answers on this host (127.0.0.1:2381); stop it first (-h shows how)" >&2
    exit 1
fi
work="$(mktemp -d "$(dirname "$data")/restore.XXXXXX")"
cleanup() {
    if mountpoint -q "$work/image"; then timeout 60 ctr -n k8s.io images unmount "$work/image" >/dev/null; fi
    rm -rf "$work"
}
trap cleanup EXIT
if command -v etcdutl >/dev/null; then
    tool=etcdutl
elif [ -n "$image" ]; then
    mkdir "$work/image"
    timeout 120 ctr -n k8s.io images mount "$image" "$work/image" >/dev/null
    tool="$work/image/usr/local/bin/etcdutl"
else
    echo "etcd-restore: no etcdutl on this host; give the etcd image as the 8th argument" >&2
    exit 1
fi
file="$snapshot"
if [ ! -f "$snapshot" ]; then
    file="$work/snapshot.db"
    timeout 900 rclone --config "$conf" --contimeout 15s --timeout 60s --retries 3 copyto "$snapshot" "$file"
fi
field() { grep -o "\\"$1\\":[0-9]*" | head -n 1 | cut -d: -f2 || true; }
verified="$("$tool" snapshot status "$file" -w json)"
revision="$(field revision <<<"$verified")"
keys="$(field totalKey <<<"$verified")"
if [ -z "$revision" ] || [ "\${keys:-0}" -le 0 ]; then
    echo "etcd-restore: $snapshot failed verification: $verified" >&2
    exit 1
fi
if [ -e "$data" ]; then
    aside="$data.before-restore.$(date -u +%Y%m%dT%H%M%SZ)"
    mv "$data" "$aside"
    echo "etcd-restore: moved the old data dir to $aside (not deleted)"
fi
"$tool" snapshot restore "$file" --name "$name" --initial-cluster "$initial" --initial-cluster-token "$token" \\
    --initial-advertise-peer-urls "$peer" --data-dir "$data"
echo "etcd-restore: $name restored from $snapshot (revision $revision, $keys keys) with token $token; start the member now"
`),
    withCvmRole: script("with-cvm-role.sh",
        "Usage: with-cvm-role.sh <metadata-url> <role> <command> [<arg>...]. Runs <command> with the temporary credentials of the CVM role <role>, read from the instance metadata service at <metadata-url>, in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (what rclone's S3 backend reads with env_auth). The credentials are never printed.", `
if [ "$#" -lt 3 ]; then
    sed -n 2p "$0" >&2
    exit 64
fi
url="\${1%/}" role="$2"
shift 2
if ! creds="$(curl -fsS --max-time 10 --retry 3 --retry-delay 2 "$url/cam/security-credentials/$role")"; then
    echo "with-cvm-role: no credentials for the CVM role $role from $url: is the role bound to this instance (camRoleName)?" >&2
    exit 77
fi
# The answer is one JSON object of string fields; "\\/" is JSON's optional escape of "/".
text() { grep -o "\\"$1\\" *: *\\"[^\\"]*\\"" <<<"$creds" | head -n 1 | sed -e 's/^[^:]*: *"//' -e 's/"$//' -e 's#\\\\/#/#g' || true; }
id="$(text TmpSecretId)" key="$(text TmpSecretKey)" token="$(text Token)"
if [ -z "$id" ] || [ -z "$key" ] || [ -z "$token" ]; then
    echo "with-cvm-role: the metadata service answered without TmpSecretId, TmpSecretKey and Token (Code: $(text Code))" >&2
    exit 77
fi
export AWS_ACCESS_KEY_ID="$id" AWS_SECRET_ACCESS_KEY="$key" AWS_SESSION_TOKEN="$token"
exec "$@"
`),

    enableBackups: script("enable-etcd-backups.sh",
        "Usage: enable-etcd-backups.sh <timer>... After the backup files are installed: reloads systemd, installs rclone if it is missing (a machine made before backups were turned on) and starts each <timer> whose unit is installed (at least one must be).", `
if [ "$#" -lt 1 ]; then
    sed -n 2p "$0" >&2
    exit 64
fi
systemctl daemon-reload
timers=()
for t in "$@"; do
    if systemctl cat "$t" >/dev/null 2>&1; then timers+=("$t"); fi
done
if [ "\${#timers[@]}" -eq 0 ]; then
    echo "enable-etcd-backups: none of $* is installed" >&2
    exit 78
fi
if ! command -v rclone >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    if ! timeout 600 apt-get install -y -q rclone; then
        timeout 600 apt-get update -q
        timeout 600 apt-get install -y -q rclone
    fi
fi
for t in "\${timers[@]}"; do
    systemctl enable --now "$t"
    echo "enable-etcd-backups: $t is active; next run $(systemctl show -p NextElapseUSecRealtime --value "$t")"
done
`),
} as const;
