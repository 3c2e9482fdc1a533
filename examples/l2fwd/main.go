package main

import (
	"os"
	"os/signal"
	"syscall"

	_ "github.com/dpk-go/dpk/drivers"
)

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, sig))
}
