package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set at build time by the release script:
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=$(git rev-parse HEAD) -X main.date=..."
//
// Left empty, buildInfo reads what the Go toolchain recorded in the binary.
var version, commit, date string

// build describes the running binary.
type build struct {
	Version, Commit, Date string
	Modified              bool // built from a tree with uncommitted changes
}

// buildInfo returns the version, commit and date stamped with -ldflags, or else those the Go
// toolchain recorded (the module's version for go install, the VCS revision for a build in a
// checkout).
func buildInfo() build {
	b := build{Version: version, Commit: commit, Date: date}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return fill(b)
	}
	if b.Version == "" && info.Main.Version != "" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "":
			b.Commit = s.Value
		case s.Key == "vcs.time" && b.Date == "":
			b.Date = s.Value
		case s.Key == "vcs.modified" && commit == "":
			b.Modified = s.Value == "true"
		}
	}
	return fill(b)
}

// fill names what is not known.
func fill(b build) build {
	if b.Version == "" {
		b.Version = "(devel)"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

// String is the version line: "mercato v1.2.3 (commit abc123, 2026-12-06T08:00:00Z, go1.26.8 linux/amd64)".
func (b build) String() string {
	c := b.Commit
	if b.Modified {
		c += "+modified"
	}
	s := fmt.Sprintf("mercato %s (commit %s", b.Version, c)
	if b.Date != "" {
		s += ", " + b.Date
	}
	return s + ", " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and commit of this build",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), buildInfo())
			return err
		},
	}
}
