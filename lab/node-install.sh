#!/usr/bin/env bash
# What install-kubernetes.sh and the containerd package do on a real node, done the lab's way
# (run in a test machine instead of it; lab-differences.ts names each difference): the programs
# `npm run bins` built are put in place (kubeadm, kubelet, kubectl, crictl in /usr/bin; containerd
# and its shim in /usr/local/bin and runc in /usr/local/sbin, as containerd's release installs
# them; the CNI plugins in /opt/cni/bin), with the units of the Kubernetes packages and of
# containerd's release. The kubelet runs through a wrapper that adds the lab's cgroup flags,
# containerd's runc uses cgroupfs (no systemd here), and the images are imported from the lab's
# image tarball because no registry is reachable. containerd is left running.
# kubeadm, kubelet and kubectl are the lab's "packages": /usr/bin runs them through
# $LAB_LIB/pkg/<name>, which the lab's apt-get (apt-shim.sh) points at the release it installs
# from RELEASES_DIR/v<version>/, as install-kubernetes.sh would install them from APT_BASE.
#
# Usage: node-install.sh BIN_DIR CONTAINERD_UNIT IMAGES_TAR CGROUP_ROOT RELEASES_DIR APT_BASE MINOR VERSION
set -euo pipefail

bins=$1
containerd_unit=$2
images=$3
cgroup_root=$4
releases=$5
apt_base=$6
minor=$7
version=$8
lab_lib=/usr/local/lib/kubeadm-ha-lab

# What install-kubernetes.sh leaves: the repository of the minor, the packages installed and held.
bash "$lab_lib/apt-shim.sh" archive "$releases" "$apt_base" "$minor"
apt-get update -q
apt-get install -y -q "kubelet=${version}-*" "kubeadm=${version}-*" "kubectl=${version}-*"
apt-mark hold kubelet kubeadm kubectl

ln -sf "$lab_lib/pkg/kubectl" /usr/bin/kubectl
ln -sf "$bins/crictl" /usr/bin/crictl
cat > /usr/bin/kubeadm <<EOF
#!/bin/sh
# The lab's kubeadm: init, join and upgrade apply|node skip the SystemVerification preflight
# check, which fails on this cgroup v1 machine (a CVM of a supported image has cgroup v2).
case "\$1 \$2" in
    "init phase"*|"join phase"*) ;;
    init*|join*|"upgrade apply"|"upgrade node") exec $lab_lib/pkg/kubeadm "\$@" --ignore-preflight-errors=SystemVerification ;;
esac
exec $lab_lib/pkg/kubeadm "\$@"
EOF
chmod 0755 /usr/bin/kubeadm
cat > /usr/bin/kubelet <<EOF
#!/bin/sh
# The lab's kubelet: cgroupfs under this machine's own cgroup (no systemd), on cgroup v1.
exec $lab_lib/pkg/kubelet "\$@" --cgroup-driver=cgroupfs --cgroup-root=$cgroup_root --fail-cgroupv1=false
EOF
chmod 0755 /usr/bin/kubelet
for p in containerd containerd-shim-runc-v2 ctr; do
    ln -sf "$bins/$p" "/usr/local/bin/$p"
done
install -d /usr/local/sbin /opt/cni/bin
ln -sf "$bins/runc" /usr/local/sbin/runc
for p in bridge host-local loopback portmap; do
    ln -sf "$bins/$p" "/opt/cni/bin/$p"
done

install -D -m 0644 "$containerd_unit" /usr/local/lib/systemd/system/containerd.service
install -d /usr/lib/systemd/system/kubelet.service.d
cat > /usr/lib/systemd/system/kubelet.service <<'EOF'
[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
EOF
cat > /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf <<'EOF'
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
EOF

sed -i 's/SystemdCgroup = true/SystemdCgroup = false/' /etc/containerd/config.toml
# This machine denies lowering a process's oom_score_adj (no CAP_SYS_RESOURCE): containers get
# no lower score than containerd's own.
printf '\n[plugins."io.containerd.cri.v1.runtime"]\nrestrict_oom_score_adj = true\n' >> /etc/containerd/config.toml
systemctl start containerd
for _ in $(seq 1 100); do
    if ctr version >/dev/null 2>&1; then
        break
    fi
    sleep 0.1
done
ctr -n k8s.io images import --platform linux/amd64 "$images" >/dev/null
echo "node-install: programs from $bins, images from $images"
