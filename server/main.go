// Command server runs the Mitwirken GraphQL API. Without MONGODB_URI it starts an embedded
// store and runs the scheduled jobs itself, so `go run ./server` is all a developer needs.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "seed" {
		// go run ./server seed -size=demo|large: fill the configured store with demo data.
		err = runSeed(ctx, os.Getenv, os.Args[2:], os.Stdout)
	} else {
		err = run(ctx, os.Getenv, os.Stdout, nil)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
