package console

import (
	"net/http"
	"sync"
	"time"
)

// Sign-in throttling: after signInFailures failed sign-ins within signInWindow for one access key,
// or from one client address, sign-in with that key or from that address is refused until the
// oldest of those failures is a window old. Refused attempts are not checked and not counted, so
// a guesser learns nothing while throttled, and the key's owner is locked out for at most a
// window after an attack stops. Counting is per node, in memory: n nodes allow n times as many
// guesses, still far too few to find a secret.
const (
	signInFailures = 5
	signInWindow   = time.Minute
	// maxThrottled bounds the keys and addresses remembered. When it is reached with every entry
	// still counting, sign-in is refused for new keys and addresses until entries age out: under
	// a guessing attack from that many sources, refusing is safer than forgetting.
	maxThrottled = 10000
	// maxKeyLength bounds the access key ID remembered, so a guesser cannot fill memory with
	// long IDs.
	maxKeyLength = 128
)

// throttle counts recent failures per key (an access key ID or a client address).
type throttle struct {
	mu       sync.Mutex
	failures map[string][]time.Time // the recent failures, oldest first, at most signInFailures
}

func newThrottle() *throttle { return &throttle{failures: map[string][]time.Time{}} }

// wait returns how long sign-in stays refused for any of the keys, 0 if it is allowed now.
func (t *throttle) wait(now time.Time, keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var longest time.Duration
	for _, k := range keys {
		f := recent(t.failures[k], now)
		if len(f) >= signInFailures {
			longest = max(longest, f[0].Add(signInWindow).Sub(now))
		}
		if _, known := t.failures[k]; !known && len(t.failures) >= maxThrottled && !t.prune(now) {
			longest = max(longest, signInWindow)
		}
	}
	return longest
}

// fail records a failed sign-in for each key.
func (t *throttle) fail(now time.Time, keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		f := append(recent(t.failures[k], now), now)
		if len(f) > signInFailures {
			f = f[len(f)-signInFailures:]
		}
		t.failures[k] = f
	}
}

// prune forgets keys without a recent failure and reports whether there is room for a new one.
func (t *throttle) prune(now time.Time) bool {
	for k, f := range t.failures {
		if len(recent(f, now)) == 0 {
			delete(t.failures, k)
		}
	}
	return len(t.failures) < maxThrottled
}

// recent returns the failures less than a window old.
func recent(f []time.Time, now time.Time) []time.Time {
	for len(f) > 0 && !now.Before(f[0].Add(signInWindow)) {
		f = f[1:]
	}
	return f
}

// throttleKeys returns the throttle's keys for a sign-in: the access key and the client address.
func (c *Console) throttleKeys(r *http.Request, keyID string) []string {
	if len(keyID) > maxKeyLength {
		keyID = keyID[:maxKeyLength]
	}
	return []string{"key:" + keyID, "addr:" + c.clientAddr(r)}
}
