//go:build libfuzzer && cgo

package cover

/*
#include <stdlib.h>
#include "cover.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"unsafe"
)

func init() {
	path := os.Getenv(EnvVar)
	if path == "" {
		return
	}
	os.Unsetenv(EnvVar)
	if err := start(path); err != nil {
		fmt.Fprintf(os.Stderr, "racefuzz/go/cover: no remote coverage: %v\n", err)
	}
}

// start maps the region at path and starts serving it.
func start(path string) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	if C.rcov_service_start(cpath) != 0 {
		return errors.New(C.GoString(C.rcov_service_error()))
	}
	return nil
}

// Active reports whether the process serves a remote-coverage region.
func Active() bool { return C.rcov_service_active() != 0 }

// counters returns the live counters the runtime registered (nil when none).
func counters() []byte {
	var n C.size_t
	p := C.rcov_service_counters(&n)
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

// racefuzzCoverGoroutines is called by the serving thread for a snapshot.
//
//export racefuzzCoverGoroutines
func racefuzzCoverGoroutines() C.longlong {
	return C.longlong(runtime.NumGoroutine())
}
