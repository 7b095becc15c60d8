package service

import (
	"net/http"
	"strconv"

	"racefuzz/targets/orders/protocgo"
)

// maxFramesBody bounds one frame stream: 256 full frames.
const maxFramesBody = int64(256 * (4 + protocgo.MaxFrame))

// postFrames takes a frame stream of the orders wire protocol (the point-of-sale and
// partner integrations speak it) and answers with what the session contained. The C
// decoder does the work; a protocol error is a 400 with everything decoded before it.
func (s *Service) postFrames(c *call, _ params) {
	body, ok := c.readBody(maxFramesBody)
	if !ok {
		return
	}
	res, err := protocgo.Decode(body)
	auditFrom(c.ctx)["frames"] = strconv.Itoa(res.Frames)
	status := http.StatusOK
	if err != nil {
		status = http.StatusBadRequest
	}
	c.json(status, res)
}
