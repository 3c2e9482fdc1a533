package ethdev

import (
	"errors"
	"fmt"
)

// Sentinel errors. Port methods wrap them in an *OpError; test with errors.Is.
var (
	ErrNotSupported  = errors.New("operation not supported") // -ENOTSUP
	ErrBusy          = errors.New("device busy")             // -EBUSY: port started
	ErrClosed        = errors.New("port closed")
	ErrNoDevice      = errors.New("no such device")   // -ENODEV: bad port id or driver name
	ErrInvalid       = errors.New("invalid argument") // -EINVAL
	ErrNotConfigured = errors.New("port not configured")
	ErrQueueNotSetUp = errors.New("queue not set up")
)

// OpError is the error every Port method returns: which port, which queue (-1 for
// port-wide operations), which operation, and the cause.
type OpError struct {
	Port  int
	Queue int
	Op    string // "configure", "rx_queue_setup", "start", ...
	Err   error
}

func (e *OpError) Error() string {
	if e.Queue >= 0 {
		return fmt.Sprintf("ethdev: port %d queue %d: %s: %v", e.Port, e.Queue, e.Op, e.Err)
	}
	return fmt.Sprintf("ethdev: port %d: %s: %v", e.Port, e.Op, e.Err)
}

func (e *OpError) Unwrap() error { return e.Err }
