// Command mercato runs the marketplace: the server (serve), its database (migrate, check), the
// sandbox controls (clock, scenario), and the reports and refund requests of a running server.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "mercato:", err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "mercato",
		Short:         "A software marketplace: offers, agreements, billing, refunds and payouts, AWS Marketplace compatible",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildInfo().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddCommand(serveCmd(), migrateCmd(), checkCmd(), clockCmd(), scenarioCmd(), reportCmd(), refundsCmd(),
		versionCmd(), backupCmd(), exportCmd(), eventsCmd(), accountsCmd(), keysCmd(), resaleCmd(), renewalsCmd())
	return root
}

// envOr returns the environment variable's value, or def when it is unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}
