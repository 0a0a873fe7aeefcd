//go:build tools

// Package tools names the programs built from this module, so that `go mod tidy` keeps their
// dependencies in go.sum.
package tools

import (
	_ "github.com/opencontainers/runc"
)
