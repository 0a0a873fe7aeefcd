#!/usr/bin/env bash
# Usage: etcd-backup.sh <rclone.conf> <remote> <bucket> <cluster> <member> <endpoint> <ca> <cert> <key> <scratch-dir> <archive-key> <recipient key|-> <path>... On the etcd leader only (others exit 0): snapshot the local member into <scratch-dir>, verify it, encrypt it to <recipient key> (an OpenPGP public key; - for none), upload it to <remote>:<bucket>/snapshots/<cluster>/<UTC time>-<member>.db[.gpg] and, first each UTC day, daily/<cluster>/<date>.db[.gpg], and archive <path>... with config-archive.sh.
set -euo pipefail
if [ "$#" -lt 13 ]; then
    sed -n 2p "$0" >&2
    exit 64
fi
conf="$1" remote="$2" bucket="$3" cluster="$4" member="$5" endpoint="$6" ca="$7" cert="$8" key="$9" scratch="${10}" archive_key="${11}" recipient="${12}"
shift 12
if [ "$recipient" != - ] && [ ! -s "$recipient" ]; then
    echo "etcd-backup: the recipient key $recipient is missing: the backup files were not installed on this node" >&2
    exit 78
fi
for f in "$conf" "$archive_key"; do
    if [ ! -s "$f" ]; then
        echo "etcd-backup: $f is missing: the backup files were not installed on this node" >&2
        exit 78
    fi
done
if [ -z "$bucket" ]; then
    echo "etcd-backup: no bucket given (BACKUP_BUCKET in /etc/kubeadm-ha/etcd-backup.env)" >&2
    exit 78
fi
# etcdctl on the host if there is one, else inside the etcd static pod (a node).
in_etcd=()
if ! command -v etcdctl >/dev/null; then
    cri=(crictl --runtime-endpoint unix:///var/run/containerd/containerd.sock)
    id="$(timeout 30 "${cri[@]}" ps -q --name '^etcd$' | head -n 1)"
    if [ -z "$id" ]; then
        echo "$(basename "$0"): no etcdctl on this host and no running etcd container" >&2
        exit 1
    fi
    in_etcd=("${cri[@]}" exec "$id")
fi
ctl() { timeout 600 "${in_etcd[@]}" etcdctl --endpoints="$endpoint" --cacert="$ca" --cert="$cert" --key="$key" --dial-timeout=5s "$@"; }
# etcd 3.6 removed "etcdctl snapshot status": etcdutl has it (every etcd we render is 3.6+).
util=etcdutl
field() { grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2 || true; }

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
verified="$(timeout 120 "${in_etcd[@]}" "$util" snapshot status "$work/snapshot.db" -w json)"
revision="$(field revision <<<"$verified")"
keys="$(field totalKey <<<"$verified")"
if [ -z "$revision" ] || [ "${keys:-0}" -le 0 ]; then
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
rc() { timeout 900 rclone --config "$conf" --contimeout 15s --timeout 60s --retries 3 --low-level-retries 5 "$@"; }
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
