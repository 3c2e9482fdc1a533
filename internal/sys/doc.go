// Package sys is dpk's one gateway to the kernel: the only package that imports
// golang.org/x/sys/unix. Everything else calls the small, typed helpers here, so
// that system-call use is easy to audit and the rest of the tree builds on any OS
// where a fallback exists.
//
// Errors are returned unwrapped (syscall.Errno) or wrapped with %w, so callers can
// test them with errors.Is(err, syscall.EPERM) and similar.
package sys
