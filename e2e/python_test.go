package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// boto3Discovery returns the python3 whose boto3 knows the Discovery API. Without it the test
// skips, except under CI (env CI set), where it fails; -short skips it.
func boto3Discovery(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the boto3 test")
	}
	python, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(python, "-c", "import boto3; boto3.session.Session().client('marketplace-discovery', region_name='us-east-1')").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but python3 with a boto3 that knows marketplace-discovery is missing: %v", err)
		}
		t.Skipf("python3 with boto3 (marketplace-discovery) is not installed: %v", err)
	}
	return python
}

// TestDiscoveryWithBoto3 runs e2e/python/discovery.py, which drives the Catalog and Discovery
// APIs with boto3 (the Go SDK has no Discovery client), against a server of its own. Without
// python3 and boto3 it skips, except under CI (env CI set), where it fails. -short skips it.
func TestDiscoveryWithBoto3(t *testing.T) {
	python := boto3Discovery(t)

	srv := startServer(t)
	runPython(t, python, "discovery.py", 22, "MERCATO_URL="+srv.URL,
		"MERCATO_SELLER_ACCESS_KEY_ID="+seller.KeyID, "MERCATO_SELLER_SECRET_ACCESS_KEY="+seller.Secret,
		"MERCATO_BUYER_ACCESS_KEY_ID="+buyer1.KeyID, "MERCATO_BUYER_SECRET_ACCESS_KEY="+buyer1.Secret,
		"MERCATO_OTHER_ACCESS_KEY_ID="+buyer2.KeyID, "MERCATO_OTHER_SECRET_ACCESS_KEY="+buyer2.Secret,
		"MERCATO_BUYER_ACCOUNT="+buyer1.ID, "MERCATO_OTHER_ACCOUNT="+buyer2.ID)
}

// runPython runs a script of e2e/python with the environment given and without the machine's
// AWS profile and files, and fails unless it succeeds having printed want "ok <name>" lines:
// a script that stopped early without failing proves nothing.
func runPython(t *testing.T, python, script string, want int, env ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, filepath.Join(moduleRoot, "e2e", "python", script))
	// boto3 takes an empty AWS_PROFILE for a profile's name: leave it out instead.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "AWS_PROFILE=") })
	cmd.Env = append(append(cmd.Env, env...), "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	if n := strings.Count(string(out), "\nok ") + boolInt(strings.HasPrefix(string(out), "ok ")); n != want {
		t.Fatalf("%s ran %d checks, want %d:\n%s", script, n, want, out)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
