package protocgo

import "encoding/binary"

// Builders for frame streams: what clients (and the tests) send to POST /v1/frames.

// Frame returns one frame: payload prefixed by its 4-byte little-endian length.
func Frame(payload []byte) []byte {
	out := make([]byte, 4, 4+len(payload))
	binary.LittleEndian.PutUint32(out, uint32(len(payload)))
	return append(out, payload...)
}

// Message returns a framed message of type typ with the given body: header, body, sum.
func Message(typ byte, body []byte) []byte {
	p := make([]byte, 4, 5+len(body))
	p[0], p[1] = typ, Version
	binary.LittleEndian.PutUint16(p[2:], uint16(len(body)+1))
	p = append(p, body...)
	var sum byte
	for _, b := range p {
		sum += b
	}
	return Frame(append(p, sum))
}

// TLV returns one field; values longer than 255 bytes are cut.
func TLV(tag byte, value []byte) []byte {
	if len(value) > 255 {
		value = value[:255]
	}
	return append([]byte{tag, byte(len(value))}, value...)
}

// U16 and U32 are little-endian field values.
func U16(v uint16) []byte {
	return binary.LittleEndian.AppendUint16(nil, v)
}

func U32(v uint32) []byte {
	return binary.LittleEndian.AppendUint32(nil, v)
}

// Fields concatenates TLV fields (or raw body parts) into one body.
func Fields(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
