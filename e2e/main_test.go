package e2e

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// moduleRoot is the directory of mercato's go.mod; binary is the mercato binary TestMain
// built from it, shared by every test of the run.
var (
	moduleRoot string
	binary     string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	root, err := findModuleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	moduleRoot = root
	dir, err := os.MkdirTemp("", "mercato-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "mercato")
	build := exec.Command(goCommand(), "build", "-o", binary, "./cmd/mercato")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/mercato: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// findModuleRoot walks up from the working directory (the package directory under go test)
// to the directory holding mercato's go.mod.
func findModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && moduleName(data) == "mercato" {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of module mercato above the working directory")
		}
		dir = parent
	}
}

func moduleName(gomod []byte) string {
	var name string
	fmt.Sscanf(string(gomod), "module %s", &name)
	return name
}

// goCommand is the go command of the toolchain running the tests.
func goCommand() string {
	if root := os.Getenv("GOROOT"); root != "" { // go test sets it for the tests it runs
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
