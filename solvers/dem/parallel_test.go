package dem

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestPoolVisitsEachIndexOnce checks that every index is visited once per
// loop, over loops of several sizes with pauses that let helpers park.
func TestPoolVisitsEachIndexOnce(t *testing.T) {
	for _, workers := range []int{2, 3, 5} {
		p := &pool{workers: workers}
		for loop := range 3000 {
			n := 600 + loop%7*400
			visits := make([]atomic.Int32, n)
			p.run(n, func(_, lo, hi int) {
				for i := lo; i < hi; i++ {
					visits[i].Add(1)
				}
			})
			for i := range visits {
				if v := visits[i].Load(); v != 1 {
					t.Fatalf("%d workers, loop %d: index %d visited %d times", workers, loop, i, v)
				}
			}
			if loop%500 == 499 {
				time.Sleep(2 * spinFor) // the helpers park
			}
		}
		p.stop()
	}
}
