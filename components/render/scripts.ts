// Small named shell snippets. Each is constant text (parameters arrive as arguments, never by
// string substitution), starts with `set -euo pipefail`, and is checked by shellcheck in the tests.
// cloud-init writes them to PATHS.libDir and calls them with argv arrays.

import { HAPROXY_HEALTH_PORT, PATHS } from "./context";
import { ETCD_DATA_DIR } from "./etcd";
import { NodeFile, publicFile } from "./node-file";

export interface Script {
    /** File name under PATHS.libDir. */
    readonly name: string;
    readonly content: string;
}

/** A script: a shebang, its purpose as the second line (scripts print it as their usage), strict mode, the body. */
export function script(name: string, purpose: string, body: string): Script {
    return { name, content: `#!/usr/bin/env bash\n# ${purpose}\nset -euo pipefail\n${body.trim()}\n` };
}

/** Waits (at most 120 s) until the kubelet stopped the kube-apiserver whose manifest was moved away. */
export const WAIT_APISERVER_STOPPED = `# kubelet stops a static pod within its file check period (20 s) of its manifest leaving.
for _ in $(seq 1 60); do
    if [ -z "$(crictl --runtime-endpoint ${PATHS.criSocket} ps -q --name kube-apiserver)" ]; then break; fi
    sleep 2
done`;

/**
 * Shell lines that set `in_etcd` to what runs etcdctl on this member: nothing where the host has
 * etcdctl (the lab), else `crictl exec` into the running etcd static pod (a node has no etcdctl).
 * Part of etcd-backup.sh and etcd-defrag.sh.
 */
export const IN_ETCD = `# etcdctl on the host if there is one, else inside the etcd static pod (a node).
in_etcd=()
if ! command -v etcdctl >/dev/null; then
    cri=(crictl --runtime-endpoint ${PATHS.criSocket})
    id="$(timeout 30 "\${cri[@]}" ps -q --name '^etcd$' | head -n 1)"
    if [ -z "$id" ]; then
        echo "$(basename "$0"): no etcdctl on this host and no running etcd container" >&2
        exit 1
    fi
    in_etcd=("\${cri[@]}" exec "$id")
fi`;

/** What a node has before kubeadm runs and kubeadm reset would remove or we must keep: the secret files. */
const STASHED = [PATHS.pkiDir, PATHS.kubeadmDir, PATHS.encryptionConfig.slice(0, PATHS.encryptionConfig.lastIndexOf("/"))];

export const SCRIPTS = {
    disableSwap: script("disable-swap.sh", "Turns swap off now and at every boot (kubelet refuses to run with swap by default).", `
swapoff -a
sed -i -E 's@^([^#].*[[:space:]]swap[[:space:]].*)$@#\\1@' /etc/fstab
`),

    installKubernetes: script("install-kubernetes.sh",
        "Usage: install-kubernetes.sh <apt-base> <minor> <version> <key-fpr>. Installs and holds kubelet, kubeadm and kubectl <version> from <apt-base>/v<minor>/deb/, signed by the key <key-fpr> only.", `
base="$1"
minor="$2"
version="$3"
repo="\${base%/}/v\${minor}/deb/"
keyring=/etc/apt/keyrings/kubernetes-apt-keyring.gpg
install -d -m 0755 /etc/apt/keyrings
key="$(mktemp)"
GNUPGHOME="$(mktemp -d)"
export GNUPGHOME
trap 'rm -rf "$key" "$GNUPGHOME"' EXIT
curl -fsSL --retry 5 --retry-delay 3 "\${repo}Release.key" -o "$key"
got="$({ gpg --batch --show-keys --with-colons "$key" 2>/dev/null || true; } | awk -F: '/^pub/{p=1;next} /^fpr/&&p{print $10;p=0}' | paste -sd ' ')"
if [ "$got" != "$4" ]; then
    echo "install-kubernetes: Release.key has keys [$got], not only the pinned $4 (mirrors.kubernetesAptKeyFingerprint): refused" >&2
    exit 1
fi
gpg --batch --dearmor --yes -o "$keyring" "$key"
echo "deb [signed-by=$keyring] $repo /" > /etc/apt/sources.list.d/kubernetes.list
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "kubelet=\${version}-*" "kubeadm=\${version}-*" "kubectl=\${version}-*"
apt-mark hold kubelet kubeadm kubectl
# The rendered /etc/containerd/config.toml is config version 3, which only containerd 2.x reads
# (Ubuntu 22.04 and 24.04 ship it in their -updates pockets; their release pockets have 1.7).
containerd_version="$(containerd --version)"
# containerd prints "containerd <package> <version> <revision>".
major="$(echo "$containerd_version" | awk '{ v = $3; sub(/^v/, "", v); split(v, p, "."); print p[1] }')"
if ! [ "$major" -ge 2 ] 2>/dev/null; then
    echo "install-kubernetes: $containerd_version cannot read the rendered config (version 3 needs containerd 2.x: enable the -updates pocket or set mirrors.ubuntuApt to a mirror that has it)" >&2
    exit 1
fi
`),

    mountDataDisk: script("mount-data-disk.sh",
        "Usage: mount-data-disk.sh <device> <mountpoint> <wait-seconds>. Waits (bounded) for the data disk, formats it only if it has no filesystem, and mounts it by UUID at every boot.", `
device="$1"
mountpoint="$2"
wait_seconds="$3"
for _ in $(seq 1 "$wait_seconds"); do
    [ -b "$device" ] && break
    sleep 1
done
if [ ! -b "$device" ]; then
    echo "data disk $device did not appear within \${wait_seconds}s" >&2
    exit 1
fi
if ! blkid -o value -s TYPE "$device" >/dev/null 2>&1; then
    mkfs.ext4 -q -L kubeadm-data "$device"
fi
uuid="$(blkid -o value -s UUID "$device")"
install -d -m 0700 "$mountpoint"
if ! grep -q "UUID=$uuid" /etc/fstab; then
    echo "UUID=$uuid $mountpoint ext4 defaults,noatime,nofail 0 2" >> /etc/fstab
fi
mountpoint -q "$mountpoint" || mount "$mountpoint"
`),

    checkHaproxy: script("check-haproxy.sh",
        "keepalived track_script: healthy while the local HAProxy answers its monitor URI (checked over the network, not with pidof).", `
exec curl -sf -o /dev/null --max-time 1 http://127.0.0.1:${HAPROXY_HEALTH_PORT}/healthz
`),

    vipOnLoopback: script("vip-on-loopback.sh",
        "Usage: vip-on-loopback.sh <vip>. LVS direct routing: accept packets for the VIP on lo without answering ARP for it.", `
vip="$1"
sysctl -q -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
sysctl -q -w net.ipv4.conf.lo.arp_ignore=1 net.ipv4.conf.lo.arp_announce=2
ip addr replace "$vip/32" dev lo
`),

    useLocalApiserver: script("use-local-apiserver.sh",
        "Usage: use-local-apiserver.sh <endpoint-name>. Run on a master once its own apiserver is up: points the endpoint name at 127.0.0.1 so nothing on the master reaches itself through the load balancer (Tencent CLB drops such hairpin traffic).", `
name="$1"
tmp="$(mktemp)"
grep -v -E "[[:space:]]\${name//./\\\\.}([[:space:]]|$)" /etc/hosts > "$tmp" || true
echo "127.0.0.1 $name" >> "$tmp"
cat "$tmp" > /etc/hosts
rm -f "$tmp"
`),

    kubeadmOnce: script("kubeadm-once.sh",
        "Usage: kubeadm-once.sh <earlier-done-file> <init|join> <kubeadm arguments...>. Runs kubeadm init or join until it succeeds once: done is recorded only after kubeadm exits 0; a rerun after a failed attempt resets the node (kubeadm reset -f) and puts back the secret files it had before the first attempt. A node bootstrapped by a release that took <earlier-done-file> (admin.conf, kubelet.conf) as done is left alone.", `
earlier="$1"
shift
step="$1"
# Its own directory: the bootstrap sentinel beside it stays readable by the login user.
state=${PATHS.stateDir}/kubeadm-once
done_marker="$state/kubeadm-$step.done"
attempt="$state/kubeadm-$step.attempt"
stash="$state/kubeadm-$step.secrets.tar"
if [ -f "$done_marker" ]; then
    echo "kubeadm $step already done on this node ($done_marker exists)"
    exit 0
fi
install -d -m 0700 "$state"
if [ ! -f "$attempt" ] && [ -f "$earlier" ]; then
    echo "kubeadm $step already done on this node ($earlier exists, from before $done_marker was kept)"
    touch "$done_marker"
    exit 0
fi
if [ -f "$attempt" ]; then
    echo "kubeadm-once: an earlier kubeadm $step did not finish; resetting the node and restoring its secret files" >&2
    kubeadm reset -f
    tar -C / -xpf "$stash"
else
    # kubeadm reset empties the certificates directory, which holds the cluster's own CAs.
    paths=()
    for p in ${STASHED.map((p) => p.slice(1)).join(" ")}; do
        if [ -e "/$p" ]; then paths+=("$p"); fi
    done
    (umask 077 && tar -C / -cpf "$stash" "\${paths[@]}")
    touch "$attempt"
fi
kubeadm "$@"
touch "$done_marker"
rm -f "$attempt"
`),

    renewCerts: script("renew-certs.sh",
        "Usage: renew-certs.sh <apiserver port> <other master address>... Renews this master's kubeadm certificates and restarts its control-plane static pods, only while every other master's apiserver is ready (one master at a time), then waits (bounded) until its own is ready again.", `
port="$1"
shift
for peer in "$@"; do
    if ! curl -fsk -o /dev/null --max-time 5 "https://\${peer}:\${port}/readyz"; then
        echo "renew-certs: the apiserver on \${peer} is not ready; not renewing now, so that only one master restarts at a time" >&2
        exit 75
    fi
done
kubeadm certs renew all
manifests=${PATHS.manifests}
parked="$(mktemp -d)"
restore() {
    for f in "$parked"/*.yaml; do
        if [ -e "$f" ]; then mv "$f" "$manifests/"; fi
    done
    rmdir "$parked" 2>/dev/null || true
}
trap restore EXIT
trap 'exit 143' TERM INT
pods=(kube-apiserver kube-controller-manager kube-scheduler)
if [ -f "$manifests/etcd.yaml" ]; then pods+=(etcd); fi
for pod in "\${pods[@]}"; do mv "$manifests/$pod.yaml" "$parked/"; done
${WAIT_APISERVER_STOPPED}
restore
for _ in $(seq 1 150); do
    if curl -fsk -o /dev/null --max-time 2 "https://127.0.0.1:\${port}/readyz"; then
        echo "renew-certs: certificates renewed and the local apiserver is ready again"
        exit 0
    fi
    sleep 2
done
echo "renew-certs: the local apiserver was not ready within 300 s of the renewal" >&2
exit 1
`),

    ensureBootstrapToken: script("ensure-bootstrap-token.sh",
        "Usage: ensure-bootstrap-token.sh <kubeadm init config>. On master-0 before a node joins: makes sure the config's bootstrap token (made for 24 h by kubeadm init) is valid for 30 more minutes, re-creating it for 2 h otherwise. Never prints the token.", `
config="$1"
token="$(sed -n -E 's/^[[:space:]]*-?[[:space:]]*token:[[:space:]]*"?([a-z0-9]{6}[.][a-z0-9]{16})"?[[:space:]]*$/\\1/p' "$config" | head -n 1)"
if [ -z "$token" ]; then
    echo "ensure-bootstrap-token: no bootstrap token in $config" >&2
    exit 1
fi
id="\${token%%.*}"
export KUBECONFIG=/etc/kubernetes/admin.conf
secret="bootstrap-token-$id"
if kubectl -n kube-system get secret "$secret" -o name >/dev/null 2>&1; then
    expires="$(kubectl -n kube-system get secret "$secret" -o jsonpath='{.data.expiration}' | base64 -d)"
    if [ -z "$expires" ]; then
        echo "bootstrap token $id does not expire"
        exit 0
    fi
    if [ "$(date -d "$expires" +%s)" -gt "$(( $(date +%s) + 1800 ))" ]; then
        echo "bootstrap token $id is valid until $expires"
        exit 0
    fi
    kubeadm token delete "$id" >/dev/null
fi
# Another node's step may create it at the same moment: that one is as good.
if ! kubeadm token create "$token" --ttl 2h --description "kubeadm-ha node join token" >/dev/null 2>&1; then
    kubectl -n kube-system get secret "$secret" -o name >/dev/null
fi
echo "bootstrap token $id re-created, valid for 2 h"
`),

    uploadCerts: script("upload-certs.sh",
        "Usage: CERT_KEY=<64 hex> upload-certs.sh <kubeadm init config>, the key set by the line before this script on stdin. On master-0 before a control-plane join: uploads the shared certificates to the kubeadm-certs Secret under that master's own certificate key (a copy of the config with it, in /run, removed after), printing neither.", `
config="$1"
key="\${CERT_KEY:?upload-certs: no CERT_KEY line before the script}"
case "$key" in
    *[!0-9a-f]* | "") echo "upload-certs: the certificate key is not hex" >&2; exit 1 ;;
esac
umask 077
tmp="$(mktemp /run/kubeadm-ha-upload-certs.XXXXXX.yaml)"
trap 'rm -f "$tmp"' EXIT
sed -E "s/^([[:space:]]*certificateKey:).*$/\\1 $key/" "$config" > "$tmp"
if ! grep -q "certificateKey: $key" "$tmp"; then
    echo "upload-certs: $config has no certificateKey line" >&2
    exit 1
fi
kubeadm init phase upload-certs --upload-certs --config "$tmp" --skip-certificate-key-print
`),

    applyAddons: script("apply-addons.sh",
        "Usage: apply-addons.sh <manifest>. On master-0 after kubeadm init: server-side applies the add-ons (pod network, CoreDNS HA) with the admin kubeconfig, retrying for up to 5 minutes while the API settles.", `
manifest="$1"
for attempt in $(seq 1 60); do
    if kubectl --kubeconfig=/etc/kubernetes/admin.conf apply --server-side --force-conflicts --field-manager=kubeadm-ha -f "$manifest"; then
        exit 0
    fi
    echo "apply-addons: attempt $attempt of 60 failed; retrying in 5 s" >&2
    sleep 5
done
echo "apply-addons: the API did not accept $manifest in 5 minutes" >&2
exit 1
`),

    etcdMemberStart: script("etcd-member-start.sh",
        "Usage: etcd-member-start.sh <staged manifest> <this member's peer URL> <the other members' client URLs, comma-separated>. On an etcd machine once its certificates are in place: installs the etcd static pod and restarts the kubelet. A member with an empty data directory whose peer URL the running cluster knows as started before is a replacement: the old member is removed and this one added, and it starts with --initial-cluster-state=existing (etcd refuses a new member that was bootstrapped before).", `
staged="$1"
peer="$2"
others="$3"
pki=${PATHS.etcdPki}
tls=(--cacert "$pki/ca.crt" --cert "$pki/server.crt" --key "$pki/server.key")
# POSTs to etcd's cluster API (its JSON gateway); fails with etcd's answer.
member_api() {
    local out
    out="$(curl -sS --max-time 10 "\${tls[@]}" -X POST -d "$3" -w ' HTTP %{http_code}' "$1/v3/cluster/member/$2")"
    if [ "\${out##* HTTP }" != 200 ]; then
        echo "etcd-member-start: member $2 at $1 answered: $out" >&2
        return 1
    fi
}
state=new
# No write-ahead log: the member has no data (etcd's own test; a refused start leaves empty directories).
if ! compgen -G "${ETCD_DATA_DIR}/member/wal/*.wal" >/dev/null; then
    for url in \${others//,/ }; do
        if ! members="$(curl -sf --max-time 5 "\${tls[@]}" -X POST -d '{}' "$url/v3/cluster/member/list")"; then
            continue
        fi
        # The member at this peer URL, if it ever started (then it has client URLs).
        old="$(python3 -c 'import json, sys
for m in json.loads(sys.argv[2]).get("members", []):
    if sys.argv[1] in m.get("peerURLs", []) and m.get("clientURLs"):
        print(m["ID"])' "$peer" "$members")"
        if [ -n "$old" ]; then
            echo "etcd-member-start: replacing member $old at $peer (its data is gone)"
            member_api "$url" remove "{\\"ID\\":\\"$old\\"}"
            member_api "$url" add "{\\"peerURLs\\":[\\"$peer\\"]}"
            state=existing
        fi
        break
    done
fi
manifest=${PATHS.manifests}/etcd.yaml
install -d -m 0755 ${PATHS.manifests}
sed "s|--initial-cluster-state=new|--initial-cluster-state=$state|" "$staged" > "$manifest.tmp"
chmod 0600 "$manifest.tmp"
mv -f "$manifest.tmp" "$manifest"
echo "etcd-member-start: initial cluster state $state"
systemctl restart kubelet
`),

    etcdDefrag: script("etcd-defrag.sh",
        "Usage: etcd-defrag.sh <endpoint> <ca> <cert> <key> <min free bytes>. Defragments this etcd member when at least <min free bytes>, and a fifth of its database file, is free space (compaction frees pages but the file, which the quota counts, keeps its size); a member blocks its clients while it defragments, so the members' timers are apart, and a leader hands its leadership to a follower first. Under a NOSPACE alarm it defragments regardless and exits 3: the alarm is disarmed by hand (docs/backups.md).", `
endpoint="$1"
ca="$2"
cert="$3"
key="$4"
min_free="$5"
${IN_ETCD}
ctl() { timeout 900 "\${in_etcd[@]}" etcdctl --endpoints="$endpoint" --cacert="$ca" --cert="$cert" --key="$key" --dial-timeout=5s "$@"; }
status="$(ctl --command-timeout=10s endpoint status -w json)"
size="$(grep -o '"dbSize":[0-9]*' <<<"$status" | head -n 1 | cut -d: -f2 || true)"
used="$(grep -o '"dbSizeInUse":[0-9]*' <<<"$status" | head -n 1 | cut -d: -f2 || true)"
if [ -z "$size" ] || [ -z "$used" ]; then
    echo "etcd-defrag: cannot read the database size of $endpoint: $status" >&2
    exit 1
fi
nospace=""
if ctl --command-timeout=10s alarm list | grep -q NOSPACE; then
    nospace=1
    echo "etcd-defrag: the cluster has a NOSPACE alarm: etcd takes only reads and deletes until it is disarmed; defragmenting this member regardless of free space" >&2
fi
free=$((size - used))
if [ -z "$nospace" ] && { [ "$free" -lt "$min_free" ] || [ $((free * 5)) -lt "$size" ]; }; then
    echo "etcd-defrag: $free of $size bytes free, nothing to do"
    exit 0
fi
member="$(grep -o '"member_id":[0-9]*' <<<"$status" | head -n 1 | cut -d: -f2 || true)"
leader="$(grep -o '"leader":[0-9]*' <<<"$status" | head -n 1 | cut -d: -f2 || true)"
if [ -n "$member" ] && [ "$member" = "$leader" ]; then
    self="$(ctl --command-timeout=10s endpoint status -w simple | cut -d, -f2 | tr -d ' ')"
    target="$(ctl --command-timeout=10s member list -w simple | awk -F', ' -v self="$self" '$1 != self && $2 == "started" && $NF == "false" { print $1; exit }')"
    if [ -n "$target" ]; then
        echo "etcd-defrag: this member leads; handing the leadership to $target first (a defragmenting leader stalls every write)"
        ctl --command-timeout=30s move-leader "$target"
    fi
fi
echo "etcd-defrag: $free of $size bytes free, defragmenting"
ctl --command-timeout=900s defrag
ctl --command-timeout=10s endpoint status -w table
if [ -n "$nospace" ]; then
    echo "etcd-defrag: NOSPACE alarm still raised: defragment every member, then disarm it by hand (docs/backups.md, NOSPACE)" >&2
    exit 3
fi
`),

    writeSentinel: script("write-sentinel.sh",
        "Usage: write-sentinel.sh <node> <role>. Last step of cloud-init: records that the node finished bootstrapping.", `
node="$1"
role="$2"
install -d -m 0755 "$(dirname ${PATHS.sentinel})"
printf '{"node":"%s","role":"%s","finishedAt":"%s"}\\n' "$node" "$role" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > ${PATHS.sentinel}.tmp
mv ${PATHS.sentinel}.tmp ${PATHS.sentinel}
`),
} as const;

/** Absolute path of a script on the node. */
export function scriptPath(s: Script): string {
    return `${PATHS.libDir}/${s.name}`;
}

/** The script as an executable file on the node. */
export function scriptFile(s: Script): NodeFile {
    return publicFile(scriptPath(s), s.content, "0755");
}
