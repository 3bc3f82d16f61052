// Command gobench is the Go peer of the gometal kernel's benchmark image:
// it runs the same workloads as bench/*.c (ops.c, work.c, memory.c) on the
// real Go runtime, built for linux/arm64 and run under qemu-aarch64, so
// tools/bench.py can put the two side by side. Keep the loops in step with
// the C files.
//
//	-kind ops        ns per operation: yield, spawn, pingpong, buffered,
//	                 select4, mutex, waitgroup, sleep0 (meant for -procs 1)
//	-kind throughput fork-join fib(35), prime sieve, daisy chain, matmul, ms
//	-kind memory     bytes per goroutine blocked on a channel receive
//	-kind latency    time.Sleep lateness and go-statement-to-first-run, ns
//	                 (median, p99, max)
//
// Stdout holds only `result <name> <value> <unit>` and `check <name> <value>`
// lines; notes go to stderr. A failed check exits non-zero.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

var scale = 1.0

// scaled is n times -scale, at least 1000 iterations.
func scaled(n int) int {
	s := int(float64(n) * scale)
	if s < 1000 {
		s = 1000
	}
	return s
}

// result prints one figure; value is a float (%.1f) or an integer.
func result(name string, value interface{}, unit string) {
	switch v := value.(type) {
	case float64:
		fmt.Printf("result %s %.1f %s\n", name, v, unit)
	default:
		fmt.Printf("result %s %d %s\n", name, v, unit)
	}
}

// perOp is elapsed nanoseconds per operation.
func perOp(name string, d time.Duration, ops int) {
	result(name, float64(d.Nanoseconds())/float64(ops), "ns/op")
}

func check(name, got, want string) {
	fmt.Printf("check %s %s\n", name, got)
	if want != "" && got != want {
		fail("%s gave %s, want %s", name, got, want)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "gobench: FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	kind := flag.String("kind", "ops", "ops, throughput, memory or latency")
	procs := flag.Int("procs", 1, "GOMAXPROCS")
	flag.Float64Var(&scale, "scale", 1, "multiplies the ops iteration counts")
	n := flag.Int("n", 100000, "blocked goroutines for -kind memory")
	reps := flag.Int("reps", 1, "timed runs of each throughput workload")
	flag.Parse()
	if *procs < 1 || scale <= 0 || *n < 1 || *reps < 1 {
		fmt.Fprintln(os.Stderr, "gobench: -procs, -scale, -n and -reps must be positive")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(*procs)
	fmt.Fprintf(os.Stderr, "gobench: kind %s, GOMAXPROCS %d, %d host CPUs, %s\n",
		*kind, runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.Version())
	switch *kind {
	case "ops":
		if *procs != 1 {
			fmt.Fprintln(os.Stderr, "gobench: note: per-op figures are meant for -procs 1")
		}
		benchOps()
	case "throughput":
		benchThroughput(*reps)
	case "memory":
		benchMemory(*n)
	case "latency":
		benchLatency()
	default:
		fmt.Fprintf(os.Stderr, "gobench: unknown -kind %q (ops, throughput, memory, latency)\n", *kind)
		os.Exit(2)
	}
}
