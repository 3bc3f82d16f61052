// Throughput: the four workloads of bench/work.c, each run once to warm up
// and then timed -reps times, in ms; run with -procs 1 and -procs 2.
package main

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

func benchThroughput(reps int) {
	workloads := []struct {
		name, want string
		fn         func() string
		part       string         // a part it times itself, or ""
		partDur    *time.Duration // that part's time in the last run
	}{
		{"fib", "9227465", fib, "", nil},
		{"sieve", "7919", sieve, "", nil},
		{"daisy", "10001", daisy, "daisy_relay", &daisyRelay},
		{"matmul", "", matmul, "", nil}, // tools/bench.py compares it with the C side's
	}
	for _, w := range workloads {
		warm := w.fn()
		check(w.name, warm, w.want)
		for r := 0; r < reps; r++ {
			t0 := time.Now()
			got := w.fn()
			d := time.Since(t0)
			if got != warm {
				fail("%s: %s, then %s", w.name, warm, got)
			}
			result(w.name, float64(d.Nanoseconds())/1e6, "ms")
			if w.part != "" {
				result(w.part, float64(w.partDur.Nanoseconds())/1e6, "ms")
			}
		}
	}
}

// --- fork-join fib(35): a goroutine per call at or above the cutoff ---

const fibN, fibCutoff = 35, 12

func sfib(n int) int {
	if n < 2 {
		return n
	}
	return sfib(n-1) + sfib(n-2)
}

func pfib(n int) int {
	if n < fibCutoff {
		return sfib(n)
	}
	var a int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		a = pfib(n - 1)
		wg.Done()
	}()
	b := pfib(n - 2)
	wg.Wait()
	return a + b
}

func fib() string { return strconv.Itoa(pfib(fibN)) }

// --- the concurrent prime sieve: a filter goroutine per prime ---
//
// Shut down cleanly, as the C side does: every send and receive selects on
// done, which main closes once it has its primes, then waits for all 1001.

const primes = 1000

func generate(out chan<- int, done <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 2; ; i++ {
		select {
		case out <- i:
		case <-done:
			return
		}
	}
}

func filter(in <-chan int, out chan<- int, prime int, done <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case v := <-in:
			if v%prime != 0 {
				select {
				case out <- v:
				case <-done:
					return
				}
			}
		case <-done:
			return
		}
	}
}

func sieve() string {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(primes + 1)
	ch := make(chan int)
	go generate(ch, done, &wg)
	prime := 0
	for i := 0; i < primes; i++ {
		prime = <-ch
		next := make(chan int)
		go filter(ch, next, prime, done, &wg)
		ch = next
	}
	close(done)
	wg.Wait()
	return strconv.Itoa(prime)
}

// --- the daisy chain: 10,000 goroutines passing one value along, 8 times ---
//
// Timed from making the channels: all n+1 first, then the goroutines.

const chain, daisyRounds = 10000, 8

func whisper(left chan<- int, right <-chan int) {
	left <- 1 + <-right
}

// The relays' share of the last daisy(), as bench/work.c's daisy_relay_ns.
var daisyRelay time.Duration

func daisy() string {
	v := ""
	daisyRelay = 0
	for r := 0; r < daisyRounds; r++ {
		v = daisyOnce()
	}
	return v
}

func daisyOnce() string {
	c := make([]chan int, chain+1)
	for i := range c {
		c[i] = make(chan int)
	}
	for i := 0; i < chain; i++ {
		go whisper(c[i], c[i+1])
	}
	t0 := time.Now()
	c[chain] <- 1
	v := <-c[0]
	daisyRelay += time.Since(t0)
	return strconv.Itoa(v)
}

// --- 96x96 matrix product, fork-join over row ranges, 30 times ---

const mmN, mmLeaf, mmRounds = 96, 8, 30

var ma, mb, mc [mmN][mmN]float64

func mm(lo, hi int) {
	if hi-lo <= mmLeaf {
		for i := lo; i < hi; i++ {
			for j := 0; j < mmN; j++ {
				mc[i][j] = 0
			}
			for k := 0; k < mmN; k++ {
				for j := 0; j < mmN; j++ {
					mc[i][j] += ma[i][k] * mb[k][j]
				}
			}
		}
		return
	}
	mid := lo + (hi-lo)/2
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		mm(lo, mid)
		wg.Done()
	}()
	mm(mid, hi)
	wg.Wait()
}

// matmul returns the sum of C's elements, having checked it against
// sum over k of (column k of A's sum) * (row k of B's sum).
func matmul() string {
	for i := 0; i < mmN; i++ {
		for j := 0; j < mmN; j++ {
			ma[i][j] = float64((i*7+j*3)%11) - 5
			mb[i][j] = float64((i*5+j*2)%13) - 6
		}
	}
	for r := 0; r < mmRounds; r++ {
		mm(0, mmN)
	}
	var sum, want float64
	for i := 0; i < mmN; i++ {
		var acol, brow float64
		for j := 0; j < mmN; j++ {
			sum += mc[i][j]
			acol += ma[j][i]
			brow += mb[i][j]
		}
		want += acol * brow
	}
	if sum != want {
		fail("matmul: sum %.0f, want %.0f", sum, want)
	}
	return fmt.Sprintf("%.0f", sum)
}
