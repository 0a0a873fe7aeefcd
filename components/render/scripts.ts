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
 * `until_accepted <tries> <retryable pattern> <command...>`: runs the command every 5 s while it
 * fails with an answer that matches the pattern (etcd refusing a membership change for a while);
 * prints the answer, or fails with the last one. Part of etcd-member-start.sh and etcd-leave.sh.
 */
export const UNTIL_ACCEPTED = `until_accepted() {
    local tries="$1" pattern="$2" attempt out
    shift 2
    for attempt in $(seq 1 "$tries"); do
        if out="$("$@" 2>&1)"; then
            printf '%s\\n' "$out"
            return 0
        fi
        if ! grep -q -E "$pattern" <<<"$out" || [ "$attempt" -eq "$tries" ]; then
            printf '%s\\n' "$out" >&2
            return 1
        fi
        sleep 5
    done
}`;

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
        "Usage: etcd-member-start.sh <staged manifest> <this member's peer URL> <the other members' client URLs, comma-separated> [join]. On an etcd machine once its certificates are in place: installs the etcd static pod and restarts the kubelet. A member with an empty data directory that a running cluster does not list yet (the membership grows: `join`, and then it waits for the cluster to answer, never bootstrapping one of its own) is added as a learner (one at a time: etcd takes one learner, so it waits its turn), starts with --initial-cluster-state=existing and the cluster's membership, and is promoted to a voting member once it caught up. One whose peer URL the cluster knows as started before is a replacement: the old member is removed and this one added. Either way etcd refuses a member bootstrapped as new.", `
staged="$1"
peer="$2"
others="$3"
mode="\${4:-bootstrap}"
pki=${PATHS.etcdPki}
tls=(--cacert "$pki/ca.crt" --cert "$pki/server.crt" --key "$pki/server.key")
name="$(grep -o -- '--name=[^ "]*' "$staged" | head -n 1 | cut -d= -f2)"
# POSTs to etcd's cluster API (its JSON gateway); prints the answer, fails with it.
member_api() {
    local out
    out="$(curl -sS --max-time 10 "\${tls[@]}" -X POST -d "$3" -w ' HTTP %{http_code}' "$1/v3/cluster/member/$2")" || return 1
    if [ "\${out##* HTTP }" != 200 ]; then
        echo "etcd-member-start: member $2 at $1 answered: $out" >&2
        return 1
    fi
    printf '%s\\n' "\${out% HTTP *}"
}
${UNTIL_ACCEPTED}
# What the cluster's member list says of the member at $peer: "replace <id>" (it started before),
# "learner <id>" (added, not yet started), "listed" (an initial member) or "absent".
verdict() {
    python3 -c 'import json, sys
ms = [m for m in json.loads(sys.argv[2]).get("members", []) if sys.argv[1] in m.get("peerURLs", [])]
m = ms[0] if ms else None
print("absent" if m is None else "replace " + m["ID"] if m.get("clientURLs") else "learner " + m["ID"] if m.get("isLearner") else "listed")' "$peer" "$1"
}
# The ID of the member at $peer when it is a learner.
learner_id() {
    python3 -c 'import json, sys
print("".join(m["ID"] for m in json.loads(sys.argv[2]).get("members", []) if sys.argv[1] in m.get("peerURLs", []) and m.get("isLearner")))' "$peer" "$1"
}
# The --initial-cluster a member joining a running cluster starts with: its membership, this member by $name.
membership() {
    python3 -c 'import json, sys
print(",".join((m.get("name") or sys.argv[2]) + "=" + m["peerURLs"][0] for m in json.loads(sys.argv[1]).get("members", [])))' "$1" "$name"
}
state=new initial="" url=""
# No write-ahead log: the member has no data (etcd's own test; a refused start leaves empty directories).
if ! compgen -G "${ETCD_DATA_DIR}/member/wal/*.wal" >/dev/null; then
    # A member that joins asks until the cluster answers (at most 10 minutes); at a bootstrap the others may not run yet.
    members=""
    for attempt in $(seq 1 120); do
        for url in \${others//,/ }; do
            if members="$(member_api "$url" list '{}' 2>&1)"; then
                break 2
            fi
            echo "etcd-member-start: no member list from $url: $members" >&2
            members=""
        done
        if [ "$mode" != join ] || [ "$attempt" -eq 120 ]; then
            break
        fi
        sleep 5
    done
    if [ "$mode" = join ] && [ -z "$members" ]; then
        echo "etcd-member-start: no member of the running cluster answers at $others: a joining member never bootstraps a cluster of its own" >&2
        exit 1
    fi
    if [ -n "$members" ]; then
        read -r what id <<<"$(verdict "$members")"
        case "$what" in
            replace)
                echo "etcd-member-start: replacing member $id at $peer (its data is gone)"
                member_api "$url" remove "{\\"ID\\":\\"$id\\"}" >/dev/null
                member_api "$url" add "{\\"peerURLs\\":[\\"$peer\\"]}" >/dev/null
                state=existing ;;
            absent)
                # etcd takes one learner at a time (another joining member goes first), and none while a
                # voting member is not connected (a restart nearby): both pass, so it waits (at most 15 minutes).
                until_accepted 180 "too many learner|unhealthy cluster" member_api "$url" add "{\\"peerURLs\\":[\\"$peer\\"],\\"isLearner\\":true}" >/dev/null
                echo "etcd-member-start: added $peer as a learner"
                state=existing ;;
            learner) state=existing ;;
        esac
        if [ "$state" = existing ]; then
            initial="$(membership "$(member_api "$url" list '{}')")"
        fi
    fi
fi
manifest=${PATHS.manifests}/etcd.yaml
# Written beside the manifests directory: the kubelet runs every file inside it as a static pod, so a
# copy there would stop the member when it goes away.
next=/etc/kubernetes/etcd.yaml.next
install -d -m 0755 ${PATHS.manifests}
if [ -n "$initial" ]; then
    sed -e "s|--initial-cluster-state=new|--initial-cluster-state=$state|" -e "s|--initial-cluster=[^ \\"]*|--initial-cluster=$initial|" "$staged" > "$next"
else
    sed "s|--initial-cluster-state=new|--initial-cluster-state=$state|" "$staged" > "$next"
fi
chmod 0600 "$next"
if cmp -s "$next" "$manifest"; then
    # A rerun (the membership around it changed): the member keeps running, its kubelet too.
    rm -f "$next"
    echo "etcd-member-start: the static pod is unchanged"
else
    mv -f "$next" "$manifest"
    echo "etcd-member-start: initial cluster state $state\${initial:+, initial cluster $initial}"
    systemctl restart kubelet
fi
# A learner is promoted to a voting member once it caught up with the leader (etcd refuses before; at most 10 minutes).
for u in \${others//,/ }; do
    if members="$(member_api "$u" list '{}' 2>/dev/null)"; then
        id="$(learner_id "$members")"
        if [ -n "$id" ]; then
            for attempt in $(seq 1 300); do
                if member_api "$u" promote "{\\"ID\\":\\"$id\\"}" >/dev/null 2>&1; then
                    echo "etcd-member-start: learner $id promoted to a voting member"
                    break
                fi
                if [ "$attempt" -eq 300 ]; then
                    echo "etcd-member-start: learner $id at $peer did not catch up with the leader in 10 minutes; run the update again" >&2
                    exit 1
                fi
                sleep 2
            done
        fi
        break
    fi
done
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
