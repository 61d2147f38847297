package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestJavaScriptSDK runs e2e/js/flow.mjs, a node:test suite using the AWS SDK for JavaScript
// v3 pinned in e2e/js/package.json, against a server of its own. It installs the SDK with
// npm ci when node_modules is missing. Without node or npm it skips, except under CI (env CI
// set), where it fails. -short skips it.
func TestJavaScriptSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the JavaScript SDK test (node and npm start-up, npm ci)")
	}
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but node or npm is missing (node: %v, npm: %v): install Node.js 20+ with npm", errNode, errNpm)
		}
		t.Skip("node or npm is not installed: skipping the JavaScript SDK test (it fails instead when CI is set)")
	}
	dir := filepath.Join(moduleRoot, "e2e", "js")
	if !installed(dir, "client-marketplace-agreement", "client-marketplace-entitlement-service") {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}

	srv := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=tap", "flow.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"MERCATO_URL="+srv.URL,
		"MERCATO_SELLER_ACCESS_KEY_ID="+seller.KeyID, "MERCATO_SELLER_SECRET_ACCESS_KEY="+seller.Secret,
		"MERCATO_BUYER_ACCESS_KEY_ID="+buyer1.KeyID, "MERCATO_BUYER_SECRET_ACCESS_KEY="+buyer1.Secret,
		"AWS_PROFILE=", "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test flow.mjs: %v\n%s", err, out)
	}
	// The run must have executed every test of flow.mjs, and failed none.
	passed := -1
	if m := regexp.MustCompile(`(?m)^# pass (\d+)$`).FindSubmatch(out); m != nil {
		passed, _ = strconv.Atoi(string(m[1]))
	}
	if passed != 6 || !regexp.MustCompile(`(?m)^# fail 0$`).Match(out) {
		t.Fatalf("node --test flow.mjs did not pass its 6 tests:\n%s", out)
	}
	t.Logf("node --test flow.mjs:\n%s", out)
}

// installed reports whether every @aws-sdk package named is in dir's node_modules.
func installed(dir string, packages ...string) bool {
	for _, p := range packages {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", p)); err != nil {
			return false
		}
	}
	return true
}
