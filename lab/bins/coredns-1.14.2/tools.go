//go:build tools

// Package tools names the program built from this module, so that `go mod tidy` keeps its
// dependencies in go.sum.
package tools

import _ "github.com/coredns/coredns"
