#!/usr/bin/env bash
# Usage: etcd-restore.sh <snapshot> <new-token> <name> <initial-cluster> <peer-url> <data-dir> [<rclone.conf> [<etcd-image>]]. Restores THIS stopped etcd member from ONE snapshot; run with -h for the runbook.
set -euo pipefail
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
snapshot="$1" token="$2" name="$3" initial="$4" peer="$5" data="$6" conf="${7:-}" image="${8:-}"
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
field() { grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2 || true; }
verified="$("$tool" snapshot status "$file" -w json)"
revision="$(field revision <<<"$verified")"
keys="$(field totalKey <<<"$verified")"
if [ -z "$revision" ] || [ "${keys:-0}" -le 0 ]; then
    echo "etcd-restore: $snapshot failed verification: $verified" >&2
    exit 1
fi
if [ -e "$data" ]; then
    aside="$data.before-restore.$(date -u +%Y%m%dT%H%M%SZ)"
    mv "$data" "$aside"
    echo "etcd-restore: moved the old data dir to $aside (not deleted)"
fi
"$tool" snapshot restore "$file" --name "$name" --initial-cluster "$initial" --initial-cluster-token "$token" \
    --initial-advertise-peer-urls "$peer" --data-dir "$data"
echo "etcd-restore: $name restored from $snapshot (revision $revision, $keys keys) with token $token; start the member now"
