//go:build libfuzzer && cgo

package cover

/*
#include "http_cov_layout.h"
*/
import "C"

import (
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// region is the harness side of the protocol, in Go, for this package's tests.
// racefuzz's harness is fuzz/http/http_cov.c; both follow fuzz/http/http_cov_layout.h.
type region struct {
	mem []byte
	h   *C.struct_rcov_header
}

var errTimeout = errors.New("remote coverage: no answer in time")

// createRegion creates the region file at path with room for capacity counters.
func createRegion(path string, capacity int) (*region, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int(C.RCOV_HEADER_SIZE) + capacity
	if err := f.Truncate(int64(size)); err != nil {
		return nil, err
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	r := &region{mem: mem, h: (*C.struct_rcov_header)(unsafe.Pointer(&mem[0]))}
	r.h.version = C.RCOV_VERSION
	r.h.capacity = C.uint64_t(capacity)
	atomic.StoreUint32((*uint32)(unsafe.Pointer(&r.h.magic)), C.RCOV_MAGIC)
	return r, nil
}

func (r *region) close() error { return syscall.Munmap(r.mem) }

func (r *region) attached() bool {
	return atomic.LoadUint32((*uint32)(unsafe.Pointer(&r.h.flags)))&C.RCOV_FLAG_ATTACHED != 0
}

// do posts one request and waits for its ack.
func (r *region) do(op uint64, timeout time.Duration) error {
	reqp := (*uint64)(unsafe.Pointer(&r.h.request))
	ackp := (*uint64)(unsafe.Pointer(&r.h.ack))
	next := (atomic.LoadUint64(reqp)>>C.RCOV_SEQ_SHIFT+1)<<C.RCOV_SEQ_SHIFT | op
	atomic.StoreUint64(reqp, next)
	bell := (*uint32)(unsafe.Pointer(&r.h.bell))
	atomic.AddUint32(bell, 1)
	syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(bell)), 1 /* FUTEX_WAKE */, 1, 0, 0, 0)
	deadline := time.Now().Add(timeout)
	for atomic.LoadUint64(ackp) != next {
		if time.Now().After(deadline) {
			return errTimeout
		}
		time.Sleep(20 * time.Microsecond)
	}
	return nil
}

func (r *region) clear(timeout time.Duration) error { return r.do(C.RCOV_OP_CLEAR, timeout) }

// snapshot returns a copy of the service's counters and its goroutine count.
func (r *region) snapshot(timeout time.Duration) ([]byte, int64, error) {
	if err := r.do(C.RCOV_OP_SNAPSHOT, timeout); err != nil {
		return nil, 0, err
	}
	n := atomic.LoadUint64((*uint64)(unsafe.Pointer(&r.h.ncopied)))
	off := uint64(C.RCOV_HEADER_SIZE)
	out := append([]byte(nil), r.mem[off:off+n]...)
	return out, atomic.LoadInt64((*int64)(unsafe.Pointer(&r.h.goroutines))), nil
}
