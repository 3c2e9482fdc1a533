// Package drivers registers every dpk poll-mode driver with ethdev. Import it
// for its side effect when an application should accept any --vdev:
//
//	import _ "github.com/dpk-go/dpk/drivers"
//
// It registers net_af_packet (ethdev/afpacket), net_null (ethdev/null) and
// net_ring (ethdev/ring). Applications that want fewer drivers blank-import
// the driver packages themselves.
package drivers

import (
	_ "github.com/dpk-go/dpk/ethdev/afpacket" // net_af_packet
	_ "github.com/dpk-go/dpk/ethdev/null"     // net_null
	_ "github.com/dpk-go/dpk/ethdev/ring"     // net_ring
)
