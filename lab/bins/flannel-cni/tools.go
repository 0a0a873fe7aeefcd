//go:build tools

// Package tools names the program built from this module, so that `go mod tidy` keeps its
// dependencies in go.sum.
//
// The flannel CNI plugin: it reads the subnet flanneld leased this node (/run/flannel/subnet.env)
// and hands the pod to the bridge and host-local plugins. Its maintained home,
// github.com/flannel-io/cni-plugin, is not served by the Go module proxy here; v0.9.1 of
// containernetworking/plugins is the last release that still carries it (the code the
// flannel-io repository was split from).
package tools

import _ "github.com/containernetworking/plugins/plugins/meta/flannel"
