package control_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// What a state-changing request must carry: JSON (YAML for a scenario), and no sign of another
// site. The origin is compared by host and port, not scheme: behind a proxy that ends TLS the
// page is https while the server sees http. Reads are never refused.
func TestSameOrigin(t *testing.T) {
	url, _ := sandbox(t)
	host := strings.TrimPrefix(url, "http://")
	for _, c := range []struct {
		name, method, path, contentType, origin, site string
		want                                          int
		message                                       string
	}{
		{"own origin", "POST", "/_mercato/clock", "application/json", url, "same-origin", 200, ""},
		{"own origin over https", "POST", "/_mercato/clock", "application/json", "https://" + host, "", 200, ""},
		{"own host in capitals", "POST", "/_mercato/clock", "application/json", "http://" + strings.ToUpper(host), "", 200, ""},
		{"typed in the address bar", "POST", "/_mercato/clock", "application/json", "", "none", 200, ""},
		{"another host", "POST", "/_mercato/clock", "application/json", "http://evil.example", "", 403,
			`cross-site requests to /_mercato/ are refused (Origin "http://evil.example" is not this server's "` + host + `"): send them from the CLI, an SDK or a script`},
		{"a sibling site", "POST", "/_mercato/clock", "application/json", "", "same-site", 403,
			"cross-site requests to /_mercato/ are refused (Sec-Fetch-Site: same-site): send them from the CLI, an SDK or a script"},
		{"a bad origin", "POST", "/_mercato/clock", "application/json", "::", "", 403,
			`cross-site requests to /_mercato/ are refused (Origin "::" is not this server's "` + host + `"): send them from the CLI, an SDK or a script`},
		{"text", "POST", "/_mercato/clock", "text/plain;charset=UTF-8", "", "", 415,
			"unsupported content type text/plain;charset=UTF-8 (Content-Type: must be application/json)"},
		{"a scenario in YAML", "POST", "/_mercato/scenario", "application/yaml", "", "", 200, ""},
		{"a scenario as a form", "POST", "/_mercato/scenario", "multipart/form-data; boundary=x", "", "", 415,
			"unsupported content type multipart/form-data; boundary=x (Content-Type: must be application/json or application/yaml)"},
		{"a read from another site", "GET", "/_mercato/clock", "", "http://evil.example", "cross-site", 200, ""},
	} {
		body := `{"advance":"1h"}`
		if strings.HasSuffix(c.path, "scenario") {
			body = "accounts: []\n"
		}
		req, _ := http.NewRequest(c.method, url+c.path, strings.NewReader(body))
		for k, v := range map[string]string{"Content-Type": c.contentType, "Origin": c.origin, "Sec-Fetch-Site": c.site} {
			if v != "" {
				req.Header.Set(k, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct{ Error struct{ Message string } }
		_ = json.Unmarshal(out, &e)
		if resp.StatusCode != c.want || e.Error.Message != c.message {
			t.Errorf("%s: %d %s", c.name, resp.StatusCode, cmp.Diff(c.message, e.Error.Message))
		}
	}
}
