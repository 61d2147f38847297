//go:build unix

package sqlite

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// Lock takes the exclusive advisory lock of the database file at path: a lock file beside it,
// path+".lock", locked with flock and holding the process ID of its holder. A server takes it
// for as long as it runs: two servers on one file would each run the same jobs on clocks of
// their own. The lock goes with the process, however it ends; the file stays (removing it would
// let two processes lock two different files). Readers such as mercato check do not take it.
// It fails, naming the file and the holder, when another process holds the lock.
func Lock(path string) (unlock func() error, err error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock sqlite database %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(name)
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("sqlite database %s is in use by another mercato server (process %s, lock file %s): stop it first, or give this server another --db",
				path, holderPID(holder), name)
		}
		return nil, fmt.Errorf("lock sqlite database %s: %w", path, err)
	}
	// Who holds the lock, for the message of the next server that tries.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f.Close, nil
}

// holderPID returns the process ID a lock file holds, or "unknown".
func holderPID(b []byte) string {
	if pid := string(bytes.TrimSpace(b)); pid != "" {
		return pid
	}
	return "unknown"
}
