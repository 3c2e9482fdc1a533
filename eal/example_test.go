//go:build linux

package eal_test

import (
	"fmt"

	"github.com/dpk-go/dpk/eal"
)

// A DPDK command line: EAL options, then the application's after "--".
func ExampleParseArgs() {
	cfg, app, err := eal.ParseArgs([]string{
		"-l", "0-1", "--no-huge", "-m", "128",
		"--vdev", "net_af_packet0,iface=veth0",
		"--", "-p", "0x1",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(cfg.Lcores), cfg.NoHuge, cfg.MemoryMB, cfg.Vdevs, app)

	_, _, err = eal.ParseArgs([]string{"--lcores", "0@abc"})
	fmt.Println(err != nil)
	// Output:
	// 2 true 128 [net_af_packet0,iface=veth0] [-p 0x1]
	// true
}

// Run a function on every lcore and collect the errors.
func ExampleInit() {
	e, _, err := eal.Init([]string{"-l", "0", "--no-huge"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Cleanup()
	err = e.LaunchWorkers(func(l *eal.Lcore) error {
		fmt.Printf("hello from lcore %d (main: %v)\n", l.ID(), l.IsMain())
		return nil
	}, true)
	if err == nil {
		err = e.Wait()
	}
	fmt.Println(err)
	// Output:
	// hello from lcore 0 (main: true)
	// <nil>
}
