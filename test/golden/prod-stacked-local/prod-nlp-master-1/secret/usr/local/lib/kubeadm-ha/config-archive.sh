#!/usr/bin/env bash
# Usage: config-archive.sh <rclone.conf> <remote> <bucket> <cluster> <member> <scratch-dir> <archive-key> <path>... Uploads <path>... (those that exist) as one tar, encrypted and authenticated with <archive-key> (gpg, AES-256), to <remote>:<bucket>/config/<cluster>/<UTC time>-<member>.tar.gpg.
set -euo pipefail
if [ "$#" -lt 8 ]; then
    sed -n 2p "$0" >&2
    exit 64
fi
conf="$1" remote="$2" bucket="$3" cluster="$4" member="$5" scratch="$6" archive_key="$7"
shift 7
for f in "$conf" "$archive_key"; do
    if [ ! -s "$f" ]; then
        echo "config-archive: $f is missing: the backup files were not installed on this node" >&2
        exit 78
    fi
done
if [ -z "$bucket" ]; then
    echo "config-archive: no bucket given (BACKUP_BUCKET in /etc/kubeadm-ha/etcd-backup.env)" >&2
    exit 78
fi
paths=()
for p in "$@"; do
    if [ -e "$p" ]; then paths+=("${p#/}"); else echo "config-archive: $p does not exist; not archived" >&2; fi
done
if [ "${#paths[@]}" -eq 0 ]; then
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
tar -C / -czf - "${paths[@]}" | gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$archive_key" --symmetric --cipher-algo AES256 -o "$work/config.tar.gpg"
rc() { timeout 900 rclone --config "$conf" --contimeout 15s --timeout 60s --retries 3 --low-level-retries 5 "$@"; }
rc copyto "$work/config.tar.gpg" "$remote:$bucket/config/$cluster/$stamp-$member.tar.gpg"
echo "config-archive: uploaded config/$cluster/$stamp-$member.tar.gpg (${#paths[@]} paths, encrypted)"
