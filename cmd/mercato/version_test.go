package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runCLI runs a mercato command in the test process and returns what it printed and its error.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// A binary built with the release script's -ldflags reports that version and commit, from
// `mercato version` and `mercato --version` alike.
func TestVersionStampedByLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "mercato")
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X main.version=v9.8.7 -X main.commit=0123abcd -X main.date=2026-12-06T08:00:00Z", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	want := regexp.MustCompile(`^mercato v9\.8\.7 \(commit 0123abcd, 2026-12-06T08:00:00Z, go[0-9.]+ [a-z0-9]+/[a-z0-9]+\)\n$`)
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil || !want.Match(out) {
			t.Errorf("mercato %v = %q, %v", args, out, err)
		}
	}
}

// Without -ldflags the version comes from the build information Go records, and says so.
func TestVersionWithoutStamp(t *testing.T) {
	out, err := runCLI(t, "version")
	if err != nil || !strings.HasPrefix(out, "mercato ") || !strings.Contains(out, "(commit ") {
		t.Errorf("version = %q, %v", out, err)
	}
}

// A flag or argument outside its accepted values is refused by the CLI with the flag's name
// and the values it accepts, before any request is sent.
func TestFlagErrorsNameTheAcceptedValues(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "billed", "--format", "xml"}, `--format "xml": want csv or json`},
		{[]string{"report", "profit"}, `report "profit": want billed, collections, disbursements or reconcile`},
		{[]string{"refunds", "list", "--as", "admin"}, `--as "admin": want buyer, seller or operator`},
		{[]string{"backup", "--db", "postgres://x/y", "--to", "b.db"}, `mercato backup copies sqlite:PATH databases`},
		{[]string{"backup", "--db", "sqlite:x.db"}, `--to is required`},
		{[]string{"check", "--db", "mysql://x"}, `--db "mysql://x": want sqlite:PATH or a postgres:// URL`},
	} {
		// An unreachable server: a request sent would fail with another message.
		_, err := runCLI(t, append(c.args, "--server", "http://127.0.0.1:1")...)
		if c.args[0] == "backup" || c.args[0] == "check" {
			_, err = runCLI(t, c.args...)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("mercato %v: %v, want %q", c.args, err, c.want)
		}
	}
}
