package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dpk-go/dpk/ethdev"
)

// The test binary doubles as the TCP endpoints of the integration test: run with
// helperEnv set, it is a server or a client instead of the tests.
const (
	helperEnv     = "L2FWD_TEST_HELPER" // "server" or "client"
	helperAddrEnv = "L2FWD_TEST_ADDR"   // host:port to listen on or dial
	helperSizeEnv = "L2FWD_TEST_BYTES"  // client: bytes to send
	streamSeed    = "dpk l2fwd test stream, 32 bytes"
)

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "server":
		os.Exit(helperServer(os.Getenv(helperAddrEnv)))
	case "client":
		var n int64
		fmt.Sscan(os.Getenv(helperSizeEnv), &n)
		os.Exit(helperClient(os.Getenv(helperAddrEnv), n))
	}
	code := m.Run()
	if n := ethdev.Count(); n != 0 && code == 0 {
		fmt.Fprintf(os.Stderr, "%d ports left open by the tests\n", n)
		code = 1
	}
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// stream writes n bytes of a deterministic pseudo-random stream to w.
func stream(w io.Writer, n int64) error {
	var seed [32]byte
	copy(seed[:], streamSeed)
	_, err := io.CopyN(w, rand.NewChaCha8(seed), n)
	return err
}

// streamSum is the SHA-256 of the first n bytes of the stream.
func streamSum(n int64) string {
	h := sha256.New()
	stream(h, n)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// helperServer accepts one connection, hashes everything it receives, and
// answers "<sha256 hex> <bytes>\n".
func helperServer(addr string) int {
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 1
	}
	fmt.Println("listening")
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(60 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 1
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	var h hash.Hash = sha256.New()
	n, err := io.Copy(h, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "server: receiving:", err)
		return 1
	}
	if _, err := fmt.Fprintf(c, "%x %d\n", h.Sum(nil), n); err != nil {
		fmt.Fprintln(os.Stderr, "server: answering:", err)
		return 1
	}
	return 0
}

// helperClient sends n bytes of the stream, then prints the server's answer.
func helperClient(addr string, n int64) int {
	var c net.Conn
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err = net.DialTimeout("tcp4", addr, 2*time.Second)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		return 1
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	if err := stream(c, n); err != nil {
		fmt.Fprintln(os.Stderr, "client: sending:", err)
		return 1
	}
	c.(*net.TCPConn).CloseWrite()
	answer, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		fmt.Fprintln(os.Stderr, "client: reading the answer:", err)
		return 1
	}
	fmt.Print(answer)
	return 0
}

var (
	buildOnce sync.Once
	buildDir  string
	buildBin  string
	buildErr  error
)

// l2fwdBinary builds l2fwd once per test run, into a directory any user can
// read (the not-root test runs it as nobody).
func l2fwdBinary(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("skipped: go not on PATH, cannot build l2fwd: %v", err)
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "l2fwd-test")
		if buildErr != nil {
			return
		}
		if buildErr = os.Chmod(buildDir, 0o755); buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "l2fwd")
		out, err := exec.Command(goCmd, "build", "-o", buildBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}
