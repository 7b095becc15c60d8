//go:build !libfuzzer || !cgo

package cover

import "testing"

func TestActiveShouldBeFalseWithoutTheLibfuzzerTag(t *testing.T) {
	if Active() {
		t.Fatal("Active() is true in a build without the libfuzzer tag")
	}
}
