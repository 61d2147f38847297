package mercato

import "testing"

func TestFulfillmentURLProblem(t *testing.T) {
	for url, ok := range map[string]bool{
		"":                                      true,
		"https://example.com/register":          true,
		"http://127.0.0.1:9000/register?x=1":    true,
		"https://[::1]:8443/r":                  true,
		"https://sub.example.co.uk.":            true,
		"ftp://example.com/register":            false,
		"/register":                             false,
		"https://":                              false,
		"example.com/register":                  false,
		"https://user:pw@example.com/":          false,
		"https://example.com/#frag":             false,
		"https://exa;mple.com/":                 false,
		"https://example.com:99999999/":         false,
		"https://" + string(make([]byte, 2100)): false,
	} {
		if got := FulfillmentURLProblem(url) == ""; got != ok {
			t.Errorf("%.40q: valid = %v, want %v (%s)", url, got, ok, FulfillmentURLProblem(url))
		}
	}
	if got := FulfillmentOrigin("https://example.com:8443/a/b?c"); got != "https://example.com:8443" {
		t.Errorf("origin = %q", got)
	}
}
