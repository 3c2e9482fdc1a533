package main

// Every dpk PMD, so that any --vdev works (net_af_packet, net_null, net_ring).
import _ "github.com/dpk-go/dpk/drivers"
