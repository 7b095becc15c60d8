package protocgo

import (
	"bytes"
	"errors"
	"sync"
	"testing"
)

func session() []byte {
	var s bytes.Buffer
	s.Write(Message(MsgHello, TLV(TagClient, []byte("mobile-ios"))))
	s.Write(Message(MsgAuth, Fields(TLV(TagUser, []byte("u1")), TLV(TagToken, []byte("tok-u1-secret")))))
	s.Write(Message(MsgOrder, Fields(TLV(TagSKU, []byte("sku-2")), TLV(TagQty, U16(4)),
		TLV(TagShipTo, []byte("  742 evergreen   terrace ")))))
	s.Write(Message(MsgCatalog, Fields(TLV(TagCatalogID, U16(1)),
		TLV(TagPrice, append(U32(1250), "sku-2"...)))))
	s.Write(Message(MsgQuote, Fields(TLV(TagCatalogID, U16(1)), TLV(TagLine, append(U16(3), "sku-2"...)))))
	s.Write(Message(MsgBye, nil))
	return s.Bytes()
}

func TestDecodeShouldReturnTheSessionContents(t *testing.T) {
	SetBugMask(0)
	defer Reset()
	res, err := Decode(session())
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if res.Frames != 6 || res.Client != "mobile-ios" || res.User != "u1" || res.OrderCount != 1 {
		t.Fatalf("unexpected result %+v", res)
	}
	want := Order{User: "u1", SKU: "sku-2", Qty: 4, ShipTo: "742 EVERGREEN TERRACE"}
	if res.Orders[0] != want {
		t.Fatalf("order = %+v, want %+v", res.Orders[0], want)
	}
	if res.QuoteTotalCents != 3750 || res.Messages["quote"] != 1 || res.Messages["bye"] != 1 {
		t.Fatalf("unexpected quote or counts %+v", res)
	}
}

func TestDecodeShouldReportTheFailingFrame(t *testing.T) {
	SetBugMask(0)
	s := session()
	s[len(s)-1] ^= 0xff // the sum of the last frame (BYE)
	res, err := Decode(s)
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Frame != 5 || res.Frames != 5 {
		t.Fatalf("err = %v, result %+v; want a checksum error at frame 5", err, res)
	}
	if res.ErrorDescription != "frame 5: bad checksum" {
		t.Fatalf("description %q", res.ErrorDescription)
	}
	if _, err := Decode(nil); err != nil {
		t.Fatalf("empty stream: %v", err)
	}
}

func TestDecodeShouldBeSafeForConcurrentSessionsOnTheFixedVariant(t *testing.T) {
	SetBugMask(0)
	defer Reset()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				res, err := Decode(session())
				if err == nil && res.Orders[0].ShipTo != "742 EVERGREEN TERRACE" {
					err = errors.New("corrupted address " + res.Orders[0].ShipTo)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestSetBugsShouldParseTheOrdersBugsSyntax(t *testing.T) {
	defer SetBugMask(0)
	if err := SetBugs("G1, c3"); err != nil || BugMask() != BugC3 {
		t.Fatalf("SetBugs: %v, mask %d", err, BugMask())
	}
	if err := SetBugs("C7"); err == nil || BugMask() != BugC3 {
		t.Fatalf("SetBugs(C7) = %v, mask %d", err, BugMask())
	}
	if err := SetBugs(""); err != nil || BugMask() != BugC1|BugC2|BugC3 {
		t.Fatalf("SetBugs(\"\"): %v, mask %d", err, BugMask())
	}
}
