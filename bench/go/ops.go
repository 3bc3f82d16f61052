// Per-operation costs, meant for -procs 1: the loops of bench/ops.c
// (bench=wall), one for one. Each runs once at a tenth of n to warm up,
// then is timed at n.
package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func benchOps() {
	measure("yield", scaled(200000), 2, yieldRun)
	n := scaled(100000) / batch * batch // whole batches, at least 1000
	if n < 1000 {
		n = 8 * batch
	}
	spawnRun(n / 10 / batch * batch) // warm: at least one batch
	perOp("spawn", spawnRun(n), n)
	measure("pingpong", scaled(100000), 1, pingpongRun)
	measure("buffered", scaled(100000), 1, bufferedRun)
	measure("select4", scaled(100000), 1, select4Run)
	measure("mutex", scaled(1000000), 1, mutexRun)
	measure("waitgroup", scaled(100000), 1, waitgroupRun)
	measure("sleep0", scaled(100000), 1, sleep0Run)
}

// measure warms up with run(n/10), then reports run(n) per n*per ops.
func measure(name string, n, per int, run func(int) time.Duration) {
	run(n / 10)
	perOp(name, run(n), n*per)
}

// yield: two goroutines taking turns; the clock starts once both exist.
func yieldRun(n int) time.Duration {
	var wg sync.WaitGroup
	wg.Add(2)
	for g := 0; g < 2; g++ {
		go func() {
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	t0 := time.Now()
	wg.Wait()
	return time.Since(t0)
}

// spawn + run + exit: batches of 128 goroutines bumping a counter, then
// main yields until the whole batch has run.
const batch = 128

func spawnRun(n int) time.Duration {
	if n < batch {
		n = batch
	}
	var ran int64
	t0 := time.Now()
	for r := int64(0); r < int64(n/batch); r++ {
		for i := 0; i < batch; i++ {
			go func() { atomic.AddInt64(&ran, 1) }()
		}
		for atomic.LoadInt64(&ran) < (r+1)*batch {
			runtime.Gosched()
		}
	}
	return time.Since(t0)
}

// pingpong: a round trip over two unbuffered channels; main's loop timed.
func pingpongRun(n int) time.Duration {
	ping, pong := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 0; i < n; i++ {
			v := <-ping
			pong <- v
		}
		close(done)
	}()
	t0 := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	d := time.Since(t0)
	<-done
	return d
}

// buffered: send then receive on a channel of capacity 1, one goroutine.
func bufferedRun(n int) time.Duration {
	c := make(chan int64, 1)
	var v int64
	t0 := time.Now()
	for i := int64(0); i < int64(n); i++ {
		c <- i
		v = <-c
	}
	d := time.Since(t0)
	if v != int64(n-1) {
		fail("buffered: last value %d, want %d", v, n-1)
	}
	return d
}

// select4: a blocking 4-way receive over channels that each hold a value,
// then the value goes back where it came from.
func select4Run(n int) time.Duration {
	var c [4]chan int64
	for k := range c {
		c[k] = make(chan int64, 1)
		c[k] <- int64(k)
	}
	t0 := time.Now()
	for i := 0; i < n; i++ {
		select {
		case v := <-c[0]:
			c[0] <- v
		case v := <-c[1]:
			c[1] <- v
		case v := <-c[2]:
			c[2] <- v
		case v := <-c[3]:
			c[3] <- v
		}
	}
	d := time.Since(t0)
	for k := range c {
		if len(c[k]) != 1 {
			fail("select4: channel %d holds %d values", k, len(c[k]))
		}
	}
	return d
}

// mutex: uncontended Lock+Unlock.
func mutexRun(n int) time.Duration {
	var m sync.Mutex
	t0 := time.Now()
	for i := 0; i < n; i++ {
		m.Lock()
		m.Unlock()
	}
	return time.Since(t0)
}

// waitgroup: Add(1), Done, Wait by main alone (Wait finds zero).
func waitgroupRun(n int) time.Duration {
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		wg.Done()
		wg.Wait()
	}
	return time.Since(t0)
}

// sleep0: Go's time.Sleep(0) returns at once; gometal's go_sleep(0) yields.
func sleep0Run(n int) time.Duration {
	t0 := time.Now()
	for i := 0; i < n; i++ {
		time.Sleep(0)
	}
	return time.Since(t0)
}
