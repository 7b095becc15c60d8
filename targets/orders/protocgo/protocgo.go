// Package protocgo is the Go side of the orders wire protocol: it calls the C decoder in
// ../proto through cgo. The C sources are compiled into this package by the cgo_*.c
// files, which #include them, so the service and racefuzz's frames mode run one decoder.
package protocgo

/*
#cgo CFLAGS: -I${SRCDIR}/../proto -std=c11 -O2
#cgo LDFLAGS: -lpthread
#include <stdint.h>
#include <stdlib.h>
#include "orders_proto.h"
*/
import "C"

import (
	"errors"
	"strconv"
	"unsafe"
)

// The planted bugs of the C layer, as the mask orders_proto_set_bug_mask takes.
const (
	BugC1 = uint(C.ORDERS_BUG_C1)
	BugC2 = uint(C.ORDERS_BUG_C2)
	BugC3 = uint(C.ORDERS_BUG_C3)
)

// MaxFrame is the largest frame payload the decoder accepts.
const MaxFrame = int(C.ORDERS_MAX_FRAME)

// Message types and TLV tags, as orders_proto.h defines them.
const (
	MsgHello       = byte(C.ORDERS_MSG_HELLO)
	MsgAuth        = byte(C.ORDERS_MSG_AUTH)
	MsgOrder       = byte(C.ORDERS_MSG_ORDER)
	MsgCancel      = byte(C.ORDERS_MSG_CANCEL)
	MsgCatalog     = byte(C.ORDERS_MSG_CATALOG)
	MsgQuote       = byte(C.ORDERS_MSG_QUOTE)
	MsgAttachBegin = byte(C.ORDERS_MSG_ATTACH_BEGIN)
	MsgAttachData  = byte(C.ORDERS_MSG_ATTACH_DATA)
	MsgPing        = byte(C.ORDERS_MSG_PING)
	MsgBye         = byte(C.ORDERS_MSG_BYE)

	TagClient     = byte(C.ORDERS_TAG_CLIENT)
	TagFeatures   = byte(C.ORDERS_TAG_FEATURES)
	TagUser       = byte(C.ORDERS_TAG_USER)
	TagToken      = byte(C.ORDERS_TAG_TOKEN)
	TagSKU        = byte(C.ORDERS_TAG_SKU)
	TagQty        = byte(C.ORDERS_TAG_QTY)
	TagShipTo     = byte(C.ORDERS_TAG_SHIP_TO)
	TagOrderID    = byte(C.ORDERS_TAG_ORDER_ID)
	TagCatalogID  = byte(C.ORDERS_TAG_CATALOG_ID)
	TagPrice      = byte(C.ORDERS_TAG_PRICE)
	TagLine       = byte(C.ORDERS_TAG_LINE)
	TagAttachID   = byte(C.ORDERS_TAG_ATTACH_ID)
	TagAttachSize = byte(C.ORDERS_TAG_ATTACH_SIZE)
	TagCType      = byte(C.ORDERS_TAG_CTYPE)

	// Version is the protocol version every message carries.
	Version = byte(C.ORDERS_PROTO_VERSION)
)

// Order is one ORDER message of a session.
type Order struct {
	User   string `json:"user"`
	SKU    string `json:"sku"`
	Qty    int    `json:"qty"`
	ShipTo string `json:"ship_to,omitempty"`
}

// Result is what one session decoded; on a protocol error, everything before the
// failing frame.
type Result struct {
	Frames           int            `json:"frames"`
	Messages         map[string]int `json:"messages"`
	Client           string         `json:"client,omitempty"`
	User             string         `json:"user,omitempty"`
	OrderCount       int            `json:"order_count"`
	Orders           []Order        `json:"orders"`
	Cancels          int            `json:"cancels"`
	QuotedLines      int            `json:"quoted_lines"`
	UnpricedLines    int            `json:"unpriced_lines"`
	QuoteTotalCents  uint64         `json:"quote_total_cents"`
	AttachmentsDone  int            `json:"attachments_done"`
	AttachmentBytes  uint64         `json:"attachment_bytes"`
	ErrorFrame       int            `json:"error_frame,omitempty"`
	ErrorDescription string         `json:"error,omitempty"`
}

// ProtocolError is a session that ended in a protocol error.
type ProtocolError struct {
	Code  int // a negative enum orders_err
	Frame int // index of the failing frame
}

func (e *ProtocolError) Error() string {
	return "frame " + strconv.Itoa(e.Frame) + ": " + C.GoString(C.orders_proto_strerror(C.int(e.Code)))
}

// Decode decodes one frame stream as one session. Safe for concurrent use (each call is
// its own session; catalogs are shared, as the protocol says). The error, when not nil,
// is a *ProtocolError and the Result holds what came before it.
func Decode(stream []byte) (Result, error) {
	var res C.struct_orders_result
	var p *C.uint8_t
	if len(stream) > 0 {
		p = (*C.uint8_t)(unsafe.Pointer(&stream[0]))
	}
	// Passing Go memory is allowed: the decoder neither keeps the pointer nor stores
	// Go pointers (it copies each frame before decoding it).
	rc := C.orders_proto_decode(p, C.size_t(len(stream)), &res)
	out := convert(&res)
	if rc != 0 {
		err := &ProtocolError{Code: int(rc), Frame: int(res.err_frame)}
		out.ErrorFrame = err.Frame
		out.ErrorDescription = err.Error()
		return out, err
	}
	return out, nil
}

func convert(res *C.struct_orders_result) Result {
	out := Result{
		Frames:          int(res.frames),
		Messages:        map[string]int{},
		Client:          C.GoString(&res.client[0]),
		User:            C.GoString(&res.user[0]),
		OrderCount:      int(res.n_orders),
		Orders:          []Order{},
		Cancels:         int(res.cancels),
		QuotedLines:     int(res.quoted_lines),
		UnpricedLines:   int(res.unpriced_lines),
		QuoteTotalCents: uint64(res.quote_total_cents),
		AttachmentsDone: int(res.attachments_done),
		AttachmentBytes: uint64(res.attachment_bytes),
	}
	for t := 1; t < int(C.ORDERS_MSG_COUNT); t++ {
		if n := int(res.by_type[t]); n > 0 {
			out.Messages[C.GoString(C.orders_proto_msg_name(C.int(t)))] = n
		}
	}
	copied := out.OrderCount
	if copied > len(res.orders) {
		copied = len(res.orders)
	}
	for i := 0; i < copied; i++ {
		o := &res.orders[i]
		out.Orders = append(out.Orders, Order{
			User:   C.GoString(&o.user[0]),
			SKU:    C.GoString(&o.sku[0]),
			Qty:    int(o.qty),
			ShipTo: C.GoString(&o.ship_to[0]),
		})
	}
	return out
}

// SetBugMask chooses the planted C bugs (BugC1|BugC2|BugC3 bits). Process-wide: call it
// while no Decode runs.
func SetBugMask(mask uint) {
	C.orders_proto_set_bug_mask(C.uint(mask))
}

// BugMask reports the planted C bugs that are on.
func BugMask() uint {
	return uint(C.orders_proto_bug_mask())
}

// SetBugs chooses the C bugs from an ORDERS_BUGS spec ("all", "none", "G1,C2").
func SetBugs(spec string) error {
	cs := C.CString(spec)
	defer C.free(unsafe.Pointer(cs))
	if C.orders_proto_set_bugs(cs) != 0 {
		return errors.New("protocgo: bad bug list " + spec)
	}
	return nil
}

// Reset forgets every published catalog. Call it while no Decode runs.
func Reset() {
	C.orders_proto_reset()
}
