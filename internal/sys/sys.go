package sys

import "errors"

// ErrNotSupported is returned where the operating system or kernel lacks a facility.
var ErrNotSupported = errors.New("sys: not supported on this OS")
