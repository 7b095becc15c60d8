package service

import (
	"net/http"
	"strconv"
	"strings"
)

type userRequest struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
}

func validID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func validName(n string) bool {
	return strings.TrimSpace(n) != "" && len(n) <= 64 && !strings.ContainsAny(n, "\r\n\t")
}

func validEmail(e string) bool {
	at := strings.IndexByte(e, '@')
	return at > 0 && at < len(e)-1 && len(e) <= 254 && !strings.ContainsAny(e, " \r\n")
}

// createUser is sign-up: open to anyone, answers with the new user's token.
func (s *Service) createUser(c *call, _ params) {
	var req userRequest
	if !c.decode(&req) {
		return
	}
	if !validID(req.ID) || !validName(req.DisplayName) || !validEmail(req.Email) {
		c.fail(http.StatusUnprocessableEntity, "invalid_user", "need id ([a-z0-9_-]{1,32}), display_name and email")
		return
	}
	tok, err := c.be.store.createUser(User(req))
	if err != nil {
		c.fail(http.StatusConflict, "user_exists", "user "+req.ID+" already exists")
		return
	}
	c.json(http.StatusCreated, map[string]interface{}{"user": User(req), "token": tok})
}

func (s *Service) getUser(c *call, p params) {
	who, ok := c.caller()
	if !ok {
		return
	}
	u, found := c.be.store.user(p["id"])
	if !found || !who.mayActFor(u.ID) {
		c.fail(http.StatusNotFound, "not_found", "no user "+p["id"])
		return
	}
	c.json(http.StatusOK, u)
}

type userUpdate struct {
	DisplayName *string `json:"display_name"`
	Email       *string `json:"email"`
}

// putUser changes a user's display name and/or email.
func (s *Service) putUser(c *call, p params) {
	who, ok := c.caller()
	if !ok {
		return
	}
	var req userUpdate
	if !c.decode(&req) {
		return
	}
	if (req.DisplayName != nil && !validName(*req.DisplayName)) || (req.Email != nil && !validEmail(*req.Email)) {
		c.fail(http.StatusUnprocessableEntity, "invalid_user", "bad display_name or email")
		return
	}
	id := p["id"]
	if !who.mayActFor(id) {
		c.fail(http.StatusNotFound, "not_found", "no user "+id)
		return
	}
	apply := func(u *User) {
		if req.DisplayName != nil {
			u.DisplayName = *req.DisplayName
		}
		if req.Email != nil {
			u.Email = *req.Email
		}
	}
	if s.bugs.Has(G6) {
		// BUG G6: the user is fetched under the store lock but changed after it is
		// released. A string assignment looks atomic and is not (pointer and length
		// are two words): receipts and profile reads race with it.
		if u := c.be.store.userRef(id); u != nil {
			apply(u)
			ok = true
		} else {
			ok = false
		}
	} else {
		ok = c.be.store.updateUser(id, apply)
	}
	if !ok {
		c.fail(http.StatusNotFound, "not_found", "no user "+id)
		return
	}
	u, _ := c.be.store.user(id)
	c.json(http.StatusOK, u)
}

func (s *Service) getLoyalty(c *call, p params) {
	who, ok := c.caller()
	if !ok {
		return
	}
	id := p["id"]
	if _, found := c.be.store.user(id); !found || !who.mayActFor(id) {
		c.fail(http.StatusNotFound, "not_found", "no user "+id)
		return
	}
	pts := c.be.ledger.balance(id)
	c.json(http.StatusOK, map[string]interface{}{"user": id, "points": pts, "tier": tier(pts)})
}

func tier(points int64) string {
	switch {
	case points >= 5000:
		return "gold"
	case points >= 1000:
		return "silver"
	}
	return "member"
}

// formatCents renders 12345 as "123.45".
func formatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	frac := strconv.FormatInt(c%100, 10)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return sign + strconv.FormatInt(c/100, 10) + "." + frac
}
