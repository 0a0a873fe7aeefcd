//go:build tools

// Package tools names the programs built from this module, so that `go mod tidy` keeps their
// dependencies in go.sum.
package tools

import (
	_ "go.etcd.io/etcd/etcdctl/v3"
	_ "go.etcd.io/etcd/etcdutl/v3"
	_ "go.etcd.io/etcd/server/v3"
)
