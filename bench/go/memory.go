// Memory: what a goroutine blocked on a channel receive costs, as
// bench/memory.c measures for a gometal task. The Go runtime's own
// accounting (runtime.MemStats) stands in for the kernel's mem_free().
package main

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// inuse is what the runtime holds in live stacks, heap spans and their
// metadata; Sys is everything it has taken from the OS.
func inuse(m *runtime.MemStats) int64 {
	return int64(m.StackInuse + m.HeapInuse + m.MSpanInuse + m.MCacheInuse)
}

func benchMemory(n int) {
	c := make(chan int) // never sent on: closed at the end
	var started int64
	var wg sync.WaitGroup
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			atomic.AddInt64(&started, 1)
			<-c
			wg.Done()
		}()
	}
	// Yield until every goroutine has run up to its receive and parked.
	for atomic.LoadInt64(&started) < int64(n) {
		runtime.Gosched()
	}
	for i := 0; i < 10; i++ {
		runtime.Gosched()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	result("blocked_inuse", float64(inuse(&after)-inuse(&before))/float64(n), "bytes")
	result("blocked_sys", float64(int64(after.Sys)-int64(before.Sys))/float64(n), "bytes")
	result("blocked_count", n, "tasks")
	close(c)
	wg.Wait()
}
