// Command imagebuild writes container images made of local directories into one image tarball
// (the format `ctr images import` reads), with go-containerregistry. The lab uses it because no
// registry is reachable: each image is one layer holding a directory the lab assembled from the
// programs `npm run bins` built.
//
// Usage: imagebuild OUT.tar < spec.json, where spec.json is a list of
// {"ref": "registry.k8s.io/pause:3.10", "root": "/dir", "entrypoint": ["/pause"]}.
// imagebuild --version prints the go-containerregistry version it was built with.
package main

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

var epoch = time.Unix(0, 0)

type image struct {
	Ref        string   `json:"ref"`
	Root       string   `json:"root"`
	Entrypoint []string `json:"entrypoint"`
}

// layerTar streams the directory as a tar with root-owned entries and fixed times, so the same
// files always give the same layer digest.
func layerTar(root string) (io.ReadCloser, error) {
	r, w := io.Pipe()
	go func() {
		tw := tar.NewWriter(w)
		err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err != nil || p == root {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			link := ""
			if info.Mode()&os.ModeSymlink != 0 {
				if link, err = os.Readlink(p); err != nil {
					return err
				}
			}
			hdr, err := tar.FileInfoHeader(info, link)
			if err != nil {
				return err
			}
			hdr.Name, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = rel, 0, 0, "", ""
			hdr.ModTime, hdr.AccessTime, hdr.ChangeTime = epoch, epoch, epoch
			if err := tw.WriteHeader(hdr); err != nil || !info.Mode().IsRegular() {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, f)
			return err
		})
		if err == nil {
			err = tw.Close()
		}
		w.CloseWithError(err)
	}()
	return r, nil
}

func build(spec image) (name.Reference, v1.Image, error) {
	ref, err := name.ParseReference(spec.Ref)
	if err != nil {
		return nil, nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return layerTar(spec.Root) }, tarball.WithCompressionLevel(1))
	if err != nil {
		return nil, nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", "amd64"
	cfg.Config.Entrypoint = spec.Entrypoint
	cfg.Config.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	img, err = mutate.ConfigFile(img, cfg)
	return ref, img, err
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, d := range info.Deps {
				if d.Path == "github.com/google/go-containerregistry" {
					fmt.Printf("imagebuild (go-containerregistry %s)\n", d.Version)
				}
			}
		}
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: imagebuild OUT.tar < spec.json")
		os.Exit(2)
	}
	var specs []image
	if err := json.NewDecoder(os.Stdin).Decode(&specs); err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild: reading the spec:", err)
		os.Exit(2)
	}
	images := map[name.Reference]v1.Image{}
	for _, s := range specs {
		ref, img, err := build(s)
		if err != nil {
			fmt.Fprintf(os.Stderr, "imagebuild: %s: %v\n", s.Ref, err)
			os.Exit(1)
		}
		images[ref] = img
	}
	if err := tarball.MultiRefWriteToFile(os.Args[1], images); err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}
