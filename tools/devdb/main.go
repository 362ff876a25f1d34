// Command devdb runs FerretDB v1 with its SQLite backend as an embedded,
// MongoDB-compatible database for Hovor's default run and its tests.
//
// It prints one line "listening mongodb://HOST:PORT/" on stdout once the
// listener is bound (also for port 0), so a parent process can read the address.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free one)")
	dataDir := flag.String("data", ".data", "directory for the SQLite files (created when missing)")
	// FULL syncs every commit to disk; NORMAL (with WAL) survives a killed process and loses only the
	// last commits on a power cut, and is several times faster: for tests and benchmarks.
	synchronous := flag.String("synchronous", "full", "SQLite synchronous pragma: full or normal")
	// A CPU profile of the whole run (Go's pprof format, `go tool pprof -top devdb FILE`), written
	// when the database stops: what the benchmarks report as the database's own profile.
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file until the database stops")
	flag.Parse()

	// The database's live heap is small (tens of MB) and it allocates a lot per command (JSON in,
	// JSON out): at Go's default of a collection per 100 % growth, the garbage collector took
	// ~15 % of its CPU under load. Collecting per 400 % trades some memory for that CPU. GOGC in
	// the environment still decides when set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}

	if *cpuProfile != "" {
		file, err := os.Create(*cpuProfile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(file); err != nil {
			fail(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = file.Close()
		}()
	}

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		fail(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fail(err)
	}
	if !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	if *synchronous != "full" && *synchronous != "normal" {
		fail(fmt.Errorf("--synchronous must be full or normal, got %q", *synchronous))
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "?_pragma=synchronous(" + *synchronous + ")",
		Logger:    logger,
	})
	if err != nil {
		fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan struct{})
	go func() {
		defer close(done)
		db.Run(ctx)
	}()

	// MongoDBURI reports the bound address only once Run has started listening.
	deadline := time.Now().Add(30 * time.Second)
	for {
		uri := db.MongoDBURI()
		if !strings.Contains(uri, ":0/") {
			fmt.Printf("listening %s\n", uri)
			break
		}
		if time.Now().After(deadline) {
			fail(fmt.Errorf("listener not bound after 30s"))
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Exit when the parent goes away (stdin closed), so an orphaned database never lingers.
	go func() {
		buf := make([]byte, 1)
		for {
			if _, err := os.Stdin.Read(buf); err != nil {
				stop()
				return
			}
		}
	}()

	<-done
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "devdb: %v\n", err)
	os.Exit(1)
}
