package desktop

import (
	"testing"
	"testing/synctest"
)

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// On two cores the demo waits for the fonts, so that the window's OpenGL
// set-up shares the machine with one job, not two; with more cores it
// starts at once.
func TestDemoStartsAfterTheFontsOnTwoCores(t *testing.T) {
	for _, cpus := range []int{1, 2} {
		synctest.Test(t, func(t *testing.T) {
			begin, fonts := make(chan struct{}), make(chan struct{})
			go startAfter(begin, fonts, cpus)
			synctest.Wait()
			if closed(begin) {
				t.Fatalf("%d cores: the demo started before the fonts loaded", cpus)
			}
			close(fonts)
			synctest.Wait()
			if !closed(begin) {
				t.Fatalf("%d cores: the demo did not start once the fonts loaded", cpus)
			}
		})
	}
	synctest.Test(t, func(t *testing.T) {
		begin, fonts := make(chan struct{}), make(chan struct{})
		go startAfter(begin, fonts, 4)
		synctest.Wait()
		if !closed(begin) {
			t.Fatal("4 cores: the demo waited for the fonts")
		}
	})
}
