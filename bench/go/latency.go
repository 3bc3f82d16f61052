// Latency: how late time.Sleep returns, and how soon a goroutine started
// by a go statement first runs, as bench/latency.c measures for gometal
// (same counts, same deadlines). Times are the runtime's monotonic clock.
package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

const (
	sleepers = 1000 // deadlines spread over spread
	spread   = 200 * time.Millisecond
	burst    = 40 // spawns per burst
	bursts   = 25 // bursts: 1,000 samples
)

// report prints <key>_p50, _p99 and _max in ns; an early wake-up fails.
func report(key string, v []time.Duration) {
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	if v[0] < 0 {
		fail("%s: a goroutine ran %v early", key, -v[0])
	}
	for _, at := range []struct {
		suffix   string
		permille int
	}{{"p50", 500}, {"p99", 990}, {"max", 1000}} {
		k := (len(v) - 1) * at.permille / 1000
		result(fmt.Sprintf("%s_%s", key, at.suffix), float64(v[k].Nanoseconds()), "ns")
	}
}

// timerLateness: a thousand sleepers, deadlines 200 us apart over 200 ms
// in a scrambled order, all asleep before the first is due.
func timerLateness() {
	late := make([]time.Duration, sleepers)
	start := time.Now().Add(20 * time.Millisecond)
	var wg sync.WaitGroup
	wg.Add(sleepers)
	for i := 0; i < sleepers; i++ {
		d := start.Add(time.Duration(i*7919%sleepers) * (spread / sleepers))
		go func(i int, d time.Time) {
			time.Sleep(time.Until(d))
			late[i] = time.Since(d)
			wg.Done()
		}(i, d)
	}
	wg.Wait()
	report("timer_late", late)
}

// spawnLatency: bursts of forty go statements from one goroutine, the
// other Ps idle before each: from each go statement to the first line.
func spawnLatency() {
	late := make([]time.Duration, burst*bursts)
	var wg sync.WaitGroup
	for b := 0; b < bursts; b++ {
		time.Sleep(5 * time.Millisecond)
		wg.Add(burst)
		for i := 0; i < burst; i++ {
			t0 := time.Now()
			go func(k int) {
				late[k] = time.Since(t0)
				wg.Done()
			}(b*burst + i)
		}
		wg.Wait()
	}
	report("spawn_run", late)
}

func benchLatency() {
	timerLateness()
	spawnLatency()
}
