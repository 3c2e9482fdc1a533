package dpdk

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/dpk-go/dpk/internal/testutil"
)

// IfStats are a kernel interface's packet counters (`ip -s -j link`).
type IfStats struct {
	RxPackets, RxDropped uint64
	TxPackets, TxDropped uint64
}

// Sub returns s - b, counter by counter.
func (s IfStats) Sub(b IfStats) IfStats {
	return IfStats{s.RxPackets - b.RxPackets, s.RxDropped - b.RxDropped, s.TxPackets - b.TxPackets, s.TxDropped - b.TxDropped}
}

// IfaceStats reads the counters of interface ifc in namespace ns.
func IfaceStats(ns *testutil.Netns, ifc string) (IfStats, error) {
	out, err := testutil.Output(10*time.Second, "ip", "-n", ns.Name, "-s", "-j", "link", "show", "dev", ifc)
	if err != nil {
		return IfStats{}, fmt.Errorf("ip -s -j link show %s in %s: %v: %s", ifc, ns.Name, err, out)
	}
	return parseIPLinkJSON([]byte(out))
}

func parseIPLinkJSON(b []byte) (IfStats, error) {
	type dir struct {
		Packets uint64 `json:"packets"`
		Dropped uint64 `json:"dropped"`
	}
	var links []struct {
		Stats64 struct {
			Rx dir `json:"rx"`
			Tx dir `json:"tx"`
		} `json:"stats64"`
	}
	if err := json.Unmarshal(b, &links); err != nil {
		return IfStats{}, fmt.Errorf("ip -j link output: %w", err)
	}
	if len(links) != 1 {
		return IfStats{}, fmt.Errorf("ip -j link: %d interfaces, want 1", len(links))
	}
	s := links[0].Stats64
	return IfStats{RxPackets: s.Rx.Packets, RxDropped: s.Rx.Dropped, TxPackets: s.Tx.Packets, TxDropped: s.Tx.Dropped}, nil
}
